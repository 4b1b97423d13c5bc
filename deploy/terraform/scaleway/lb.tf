# The public entry: TLS at the load balancer, HTTP to the ciel-api NodePort on the API nodes.
# Health checks hit GET /health (200 while the process serves); no sticky sessions — the API is
# stateless (tokens + Postgres/Redis), any instance serves any request.
resource "scaleway_lb_ip" "api" {}

resource "scaleway_lb" "api" {
  name   = "ciel-api-${var.env}"
  type   = "LB-S"
  ip_ids = [scaleway_lb_ip.api.id]
  private_network {
    private_network_id = scaleway_vpc_private_network.main.id
  }
}

resource "scaleway_lb_backend" "api" {
  lb_id            = scaleway_lb.api.id
  name             = "ciel-api"
  forward_protocol = "http"
  forward_port     = var.api_node_port
  server_ips       = flatten([for node in scaleway_k8s_pool.api.nodes : [for ip in node.private_ips : ip.address]])
  sticky_sessions  = "none"
  proxy_protocol   = "none"
  # Ciel trusts X-Forwarded-For/-Proto from TRUSTED_PROXY_CIDRS (the private network).
  timeout_connect          = "5s"
  timeout_server           = "60s"
  on_marked_down_action    = "shutdown_sessions"
  health_check_delay       = "10s"
  health_check_timeout     = "3s"
  health_check_max_retries = 3
  health_check_port        = var.api_node_port
  health_check_http {
    uri    = "/health"
    method = "GET"
    code   = 200
  }
}

resource "scaleway_lb_certificate" "api" {
  lb_id = scaleway_lb.api.id
  name  = "ciel-api"
  letsencrypt {
    common_name = var.api_domain
  }
}

resource "scaleway_lb_frontend" "https" {
  lb_id           = scaleway_lb.api.id
  backend_id      = scaleway_lb_backend.api.id
  name            = "https"
  inbound_port    = 443
  certificate_ids = [scaleway_lb_certificate.api.id]
  enable_http3    = true
  timeout_client  = "60s"
}
