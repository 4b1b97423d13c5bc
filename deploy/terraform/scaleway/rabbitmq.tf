# RabbitMQ on a private VM, not Scaleway Messaging: Scaleway's managed messaging speaks NATS and
# SQS/SNS, not AMQP 0-9-1, and Ciel's queue adapter relies on RabbitMQ features (dead-letter
# exchanges for `ciel.media.dead`, per-message TTL for the retry back-off, publisher confirms).
# One VM with its data on a block volume; the management plugin listens on the private network
# only. Back up its definitions; messages themselves are rebuilt from the job outbox and the
# stale-upload sweep if the VM is lost.
resource "random_password" "rabbitmq" {
  length  = 40
  special = false
}

resource "scaleway_block_volume" "rabbitmq" {
  name       = "ciel-rabbitmq-${var.env}"
  iops       = 5000
  size_in_gb = 20
}

resource "scaleway_instance_server" "rabbitmq" {
  name                  = "ciel-rabbitmq-${var.env}"
  type                  = "PRO2-XS"
  image                 = "debian_bookworm"
  additional_volume_ids = [scaleway_block_volume.rabbitmq.id]
  tags                  = ["ciel", "rabbitmq"]
  private_network {
    pn_id = scaleway_vpc_private_network.main.id
  }
  user_data = {
    cloud-init = templatefile("${path.module}/rabbitmq-cloud-init.yaml", {
      password = random_password.rabbitmq.result
    })
  }
}
