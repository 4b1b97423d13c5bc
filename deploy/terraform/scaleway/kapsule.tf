# API and worker compute: one Kapsule cluster, one pool each, so a media burst (CPU-heavy image
# decoding) never starves the API's nodes.
resource "scaleway_k8s_cluster" "main" {
  name                        = "ciel-${var.env}"
  type                        = "kapsule"
  version                     = "1.33"
  cni                         = "cilium"
  private_network_id          = scaleway_vpc_private_network.main.id
  delete_additional_resources = true
  autoscaler_config {
    scale_down_delay_after_add  = "10m"
    balance_similar_node_groups = true
  }
  auto_upgrade {
    enable                        = true
    maintenance_window_day        = "sunday"
    maintenance_window_start_hour = 3
  }
}

# Fixed size: these nodes are the load balancer's backends (lb.tf).
resource "scaleway_k8s_pool" "api" {
  cluster_id         = scaleway_k8s_cluster.main.id
  name               = "api"
  node_type          = "PRO2-S"
  size               = var.api_nodes
  autoscaling        = false
  autohealing        = true
  public_ip_disabled = true
  tags               = ["ciel", "api"]
}

resource "scaleway_k8s_pool" "worker" {
  cluster_id         = scaleway_k8s_cluster.main.id
  name               = "worker"
  node_type          = "PRO2-M"
  size               = 1
  min_size           = 1
  max_size           = var.worker_nodes_max
  autoscaling        = true
  autohealing        = true
  public_ip_disabled = true
  tags               = ["ciel", "worker"]
}
