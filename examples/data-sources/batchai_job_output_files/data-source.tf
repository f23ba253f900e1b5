# az batchai job file list -j train -e resnet -w research -g batchai-rg -d MODELS: names, types, sizes and times.
# The download URLs are credentials that change on every call: read them with the batchai_job_output_file
# ephemeral resource, never from state.
data "batchai_workspace" "research" {
  name                = "research"
  resource_group_name = "batchai-rg"
}

data "batchai_job_output_files" "models" {
  job_id              = "${data.batchai_workspace.research.id}/experiments/resnet/jobs/train"
  output_directory_id = "MODELS" # an output_directory of the job; "stdouterr" (the default) holds stdout.txt and stderr.txt
}

output "models" {
  value = { for f in data.batchai_job_output_files.models.files : f.name => f.content_length if f.type == "file" }
}
