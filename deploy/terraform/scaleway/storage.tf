# Media: one private bucket (originals under uploads/ are never served), read through Edge
# Services. Processed objects live under media/{owner}/{upload}/… with
# `Cache-Control: public, max-age=31536000, immutable`: the CDN may keep them for a year.
resource "scaleway_object_bucket" "media" {
  name = "ciel-media-${var.env}"
  versioning {
    enabled = false
  }
  cors_rule {
    allowed_methods = ["PUT", "GET", "HEAD"]
    allowed_origins = ["*"]
    allowed_headers = ["Content-Type", "Content-Length"]
    max_age_seconds = 3600
  }
  # Raw uploads are deleted once processed; whatever a failed upload left behind goes after a week.
  lifecycle_rule {
    id      = "raw-uploads"
    prefix  = "uploads/"
    enabled = true
    expiration {
      days = 7
    }
  }
}

resource "scaleway_object_bucket_acl" "media" {
  bucket = scaleway_object_bucket.media.id
  acl    = "private"
}

resource "scaleway_edge_services_pipeline" "media" {
  name        = "ciel-media-${var.env}"
  description = "CDN in front of the Ciel media bucket"
}

resource "scaleway_edge_services_backend_stage" "media" {
  pipeline_id = scaleway_edge_services_pipeline.media.id
  s3_backend_config {
    bucket_name   = scaleway_object_bucket.media.name
    bucket_region = var.region
    is_website    = false
  }
}

resource "scaleway_edge_services_cache_stage" "media" {
  pipeline_id      = scaleway_edge_services_pipeline.media.id
  backend_stage_id = scaleway_edge_services_backend_stage.media.id
  # Objects say how long they may be kept (immutable, one year); this applies only without it.
  fallback_ttl = 3600
}

resource "scaleway_edge_services_tls_stage" "media" {
  pipeline_id         = scaleway_edge_services_pipeline.media.id
  cache_stage_id      = scaleway_edge_services_cache_stage.media.id
  managed_certificate = true
}

resource "scaleway_edge_services_dns_stage" "media" {
  pipeline_id  = scaleway_edge_services_pipeline.media.id
  tls_stage_id = scaleway_edge_services_tls_stage.media.id
  fqdns        = [var.media_domain]
}

resource "scaleway_edge_services_head_stage" "media" {
  pipeline_id   = scaleway_edge_services_pipeline.media.id
  head_stage_id = scaleway_edge_services_dns_stage.media.id
}

# The application's S3 credentials: an IAM application allowed Object Storage only.
resource "scaleway_iam_application" "ciel" {
  name = "ciel-${var.env}"
}

resource "scaleway_iam_policy" "ciel_object_storage" {
  name           = "ciel-${var.env}-object-storage"
  application_id = scaleway_iam_application.ciel.id
  rule {
    project_ids          = [scaleway_object_bucket.media.project_id]
    permission_set_names = ["ObjectStorageObjectsRead", "ObjectStorageObjectsWrite", "ObjectStorageObjectsDelete"]
  }
}

resource "scaleway_iam_api_key" "ciel" {
  application_id     = scaleway_iam_application.ciel.id
  description        = "Ciel media bucket access"
  default_project_id = scaleway_object_bucket.media.project_id
}
