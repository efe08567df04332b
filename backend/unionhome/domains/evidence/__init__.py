"""Evidence archive (证据材料): presigned uploads to S3, verification, tamper checks, zip bundles."""
