#!/usr/bin/env bash
# Regenerates specs/*.json from the botocore service models installed on this machine.
# Usage: specs/update.sh BOTOCORE_DATA_DIR [LEGACY_DATA_DIR]
#   BOTOCORE_DATA_DIR  botocore/data of botocore 1.43.11 (AWS CLI v1 / boto3)
#   LEGACY_DATA_DIR    botocore/data bundled with AWS CLI 2.9.19 (for the Query model of SQS)
# Documentation is stripped, except the first sentence of each error shape's documentation,
# which orgtrail uses as the default error message.
set -euo pipefail
src=${1:?botocore data dir}
legacy=${2:-/usr/lib/python3/dist-packages/awscli/botocore/data}
out=$(cd "$(dirname "$0")" && pwd)
strip='
  def first_sentence:
    gsub("<[^>]*>"; "") | gsub("\\s+"; " ") | sub("^ "; "")
    | (capture("^(?<s>.*?[.!?])( |$)") | .s) // .;
  .shapes |= with_entries(
      .value |= (if (.exception // false) and (.documentation // "") != ""
                 then .documentation |= first_sentence else del(.documentation) end))
  | .shapes |= with_entries(.value |= (if .members then .members |= with_entries(.value |= del(.documentation)) else . end))
  | .shapes |= with_entries(.value |= (if .member then .member |= del(.documentation) else . end))
  | del(.documentation)
  | .operations |= with_entries(.value |= del(.documentation, .documentationUrl, .examples))
  | .metadata |= del(.documentation)
'
read_model() { if [ -f "$1.gz" ]; then gzip -dc "$1.gz"; else cat "$1"; fi; }
for svc in organizations sts iam s3 cloudtrail logs cloudwatch sns sqs lambda events kms; do
  dir=$(ls -d "$src/$svc"/*/ | sort | tail -n 1)
  read_model "${dir}service-2.json" | jq -c "$strip" > "$out/$svc.json"
done
read_model "$legacy/sqs/2012-11-05/service-2.json" | jq -c "$strip" > "$out/sqs-query.json"
