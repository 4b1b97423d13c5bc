variable "region" {
  description = "Scaleway region of every regional resource."
  type        = string
  default     = "fr-par"
}

variable "zone" {
  description = "Scaleway zone of the zonal resources (load balancer, RabbitMQ VM)."
  type        = string
  default     = "fr-par-1"
}

variable "env" {
  description = "Environment name, used in resource names."
  type        = string
  default     = "production"
}

variable "api_domain" {
  description = "Public host name of the API (the load balancer's certificate)."
  type        = string
}

variable "media_domain" {
  description = "Public host name of the media CDN (Edge Services); S3_PUBLIC_ENDPOINT points here."
  type        = string
}

variable "api_nodes" {
  description = "Nodes of the API pool. Fixed (no node autoscaling): the load balancer's backends are these nodes; the HPA scales pods within them."
  type        = number
  default     = 3
}

variable "api_node_port" {
  description = "NodePort of the ciel-api Service (deploy/k8s/overlays/production/api-nodeport-service.yaml)."
  type        = number
  default     = 30080
}

variable "worker_nodes_max" {
  description = "Most nodes of the autoscaled worker pool (KEDA adds worker pods, the cluster autoscaler adds nodes)."
  type        = number
  default     = 6
}

variable "postgres_max_connections" {
  description = "Postgres max_connections. Keep it above the sum of every pool (docs/operations.md, pool sizing)."
  type        = number
  default     = 500
}
