# Managed Postgres 15, highly available, private network only. max_connections is the budget the
# pool sizing rule divides (docs/operations.md).
resource "random_password" "postgres" {
  length           = 40
  special          = true
  override_special = "-_"
}

resource "scaleway_rdb_instance" "main" {
  name                      = "ciel-${var.env}"
  engine                    = "PostgreSQL-15"
  node_type                 = "DB-PRO2-XXS"
  is_ha_cluster             = true
  disable_backup            = false
  backup_schedule_frequency = 24
  backup_schedule_retention = 14
  volume_type               = "sbs_5k"
  volume_size_in_gb         = 50
  user_name                 = "ciel_admin"
  password                  = random_password.postgres.result
  encryption_at_rest        = true
  settings = {
    max_connections = tostring(var.postgres_max_connections)
  }
  private_network {
    pn_id       = scaleway_vpc_private_network.main.id
    enable_ipam = true
  }
}

resource "scaleway_rdb_database" "ciel" {
  instance_id = scaleway_rdb_instance.main.id
  name        = "ciel"
}

resource "random_password" "postgres_app" {
  length           = 40
  special          = true
  override_special = "-_"
}

resource "scaleway_rdb_user" "ciel" {
  instance_id = scaleway_rdb_instance.main.id
  name        = "ciel"
  password    = random_password.postgres_app.result
  is_admin    = false
}

resource "scaleway_rdb_privilege" "ciel" {
  instance_id   = scaleway_rdb_instance.main.id
  user_name     = scaleway_rdb_user.ciel.name
  database_name = scaleway_rdb_database.ciel.name
  permission    = "all"
}
