output "api_ip" {
  description = "Point the API's DNS name here."
  value       = scaleway_lb_ip.api.ip_address
}

output "kubeconfig" {
  description = "Kubeconfig of the Kapsule cluster."
  value       = scaleway_k8s_cluster.main.kubeconfig[0].config_file
  sensitive   = true
}

output "media_bucket" {
  description = "S3_BUCKET."
  value       = scaleway_object_bucket.media.name
}

output "s3_endpoint" {
  description = "S3_ENDPOINT."
  value       = "https://s3.${var.region}.scw.cloud"
}

output "s3_public_endpoint" {
  description = "S3_PUBLIC_ENDPOINT: presigned GETs are rewritten to the CDN."
  value       = "https://${var.media_domain}"
}

output "registry" {
  description = "Container registry endpoint for the images."
  value       = scaleway_registry_namespace.ciel.endpoint
}

output "secret_path" {
  description = "Secret Manager path holding every secret of ciel-secrets."
  value       = "/ciel/${var.env}"
}
