# Managed Redis: only ever a cache and the rate limiter's store (Ciel survives its loss). Every key
# Ciel writes carries a TTL (feed pages 30–60 s, presigned URLs, GCRA buckets), so under memory
# pressure evict the keys with a TTL, least recently used first; never fail writes.
resource "random_password" "redis" {
  length           = 40
  special          = true
  override_special = "-_"
}

resource "scaleway_redis_cluster" "cache" {
  name         = "ciel-${var.env}"
  version      = "7.2.5"
  node_type    = "RED1-S"
  cluster_size = 1
  user_name    = "ciel"
  password     = random_password.redis.result
  tls_enabled  = true
  settings = {
    "maxmemory-policy" = "volatile-lru"
  }
  private_network {
    id = scaleway_vpc_private_network.main.id
  }
}
