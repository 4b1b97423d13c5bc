# Every secret the binaries read lives in Secret Manager; the cluster's `ciel-secrets` Secret is
# synchronised from these (External Secrets operator with the Scaleway provider).
resource "random_bytes" "paseto_access" {
  length = 32
}

resource "random_bytes" "paseto_refresh" {
  length = 32
}

resource "random_password" "admin_token" {
  length  = 48
  special = false
}

locals {
  postgres_host = scaleway_rdb_instance.main.private_network[0].ip
  postgres_port = scaleway_rdb_instance.main.private_network[0].port
  redis_host    = scaleway_redis_cluster.cache.private_network[0].ips[0]
  rabbitmq_host = scaleway_instance_server.rabbitmq.private_ips[0].address
  ciel_secrets = {
    DATABASE_URL          = "postgres://${scaleway_rdb_user.ciel.name}:${random_password.postgres_app.result}@${local.postgres_host}:${local.postgres_port}/${scaleway_rdb_database.ciel.name}?sslmode=require"
    REDIS_URL             = "rediss://ciel:${random_password.redis.result}@${local.redis_host}:6379/"
    AMQP_URL              = "amqp://ciel:${random_password.rabbitmq.result}@${local.rabbitmq_host}:5672/%2f"
    AWS_ACCESS_KEY_ID     = scaleway_iam_api_key.ciel.access_key
    AWS_SECRET_ACCESS_KEY = scaleway_iam_api_key.ciel.secret_key
    PASETO_ACCESS_KEY     = random_bytes.paseto_access.base64
    PASETO_REFRESH_KEY    = random_bytes.paseto_refresh.base64
    ADMIN_TOKEN           = random_password.admin_token.result
  }
}

resource "scaleway_secret" "ciel" {
  for_each    = local.ciel_secrets
  name        = lower(replace(each.key, "_", "-"))
  path        = "/ciel/${var.env}"
  description = "Ciel ${each.key} (${var.env})"
  tags        = ["ciel", var.env]
}

resource "scaleway_secret_version" "ciel" {
  for_each  = local.ciel_secrets
  secret_id = scaleway_secret.ciel[each.key].id
  data      = each.value
}
