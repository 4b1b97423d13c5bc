# One private network: nothing but the load balancer and the CDN is reachable from the internet.
resource "scaleway_vpc" "main" {
  name = "ciel-${var.env}"
}

resource "scaleway_vpc_private_network" "main" {
  name   = "ciel-${var.env}"
  vpc_id = scaleway_vpc.main.id
  ipv4_subnet {
    subnet = "172.16.0.0/22"
  }
}

resource "scaleway_vpc_public_gateway_ip" "main" {}

# Outbound internet for the private nodes and the RabbitMQ VM (image pulls, Debian updates).
resource "scaleway_vpc_public_gateway" "main" {
  name  = "ciel-${var.env}"
  type  = "VPC-GW-S"
  ip_id = scaleway_vpc_public_gateway_ip.main.id
}

resource "scaleway_vpc_gateway_network" "main" {
  gateway_id         = scaleway_vpc_public_gateway.main.id
  private_network_id = scaleway_vpc_private_network.main.id
  enable_masquerade  = true
  ipam_config {
    push_default_route = true
  }
}
