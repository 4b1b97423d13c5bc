# Ciel on Scaleway: network, Kapsule cluster (API and worker pools), load balancer, managed
# Postgres and Redis, media bucket behind Edge Services, RabbitMQ on a private VM, secrets.
# `terraform init && terraform apply -var-file=production.tfvars`; then apply deploy/k8s.
terraform {
  required_version = ">= 1.6"
  required_providers {
    scaleway = {
      source  = "scaleway/scaleway"
      version = "~> 2.60"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "scaleway" {
  region = var.region
  zone   = var.zone
}
