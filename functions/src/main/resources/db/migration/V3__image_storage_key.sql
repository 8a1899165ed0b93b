-- AWS Lambda mode: the S3 object an image was uploaded to, which runners then download directly.
ALTER TABLE images ADD COLUMN storage_key TEXT;
