"""What tools/gen_api.py derives from the vendored OpenAPI document (spec/openapi.yaml)."""
