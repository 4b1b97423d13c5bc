# Images built from deploy/docker/*.Dockerfile are pushed here (rg.<region>.scw.cloud/ciel/…).
resource "scaleway_registry_namespace" "ciel" {
  name      = "ciel"
  is_public = false
}
