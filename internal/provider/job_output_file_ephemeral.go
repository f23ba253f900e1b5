package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ ephemeral.EphemeralResource              = &jobOutputFileEphemeral{}
	_ ephemeral.EphemeralResourceWithConfigure = &jobOutputFileEphemeral{}
)

func newJobOutputFileEphemeral() ephemeral.EphemeralResource { return &jobOutputFileEphemeral{} }

// jobOutputFileEphemeral opens one file of a job's output: its download URL (a SAS URL, a credential that
// changes on every listing) and, for a small text file, its content. Being ephemeral (Terraform >= 1.10,
// OpenTofu >= 1.11), neither is ever stored in state or in a plan; the URL is never logged.
type jobOutputFileEphemeral struct {
	ephemeralBase
}

// outputFileMaxContent is the largest file read_content reads: the content is for small text files (a
// metric, a model's name, the end of a log), not for downloads.
const outputFileMaxContent = 1 << 20

func (e *jobOutputFileEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job_output_file"
}

func (e *jobOutputFileEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One file of a Batch AI job's output (`az batchai job file stream`): its download URL " +
			"and, with `read_content`, its content. The URL is a SAS URL of the storage the job wrote to: a " +
			"credential that grants read access until `expires_at` and changes on every call, so this is an " +
			"ephemeral resource (Terraform >= 1.10, OpenTofu >= 1.11): neither the URL nor the content is ever " +
			"stored in the state or a plan, and the provider never logs the URL. Use the values where ephemeral " +
			"values are allowed: provider blocks, write-only arguments (such as `batchai_job`'s `secrets_wo`), " +
			"`locals` and ephemeral outputs. Files exist once the job has started: read them after `apply` has " +
			"waited for the job (`wait_for_completion`, the default). The `batchai_job_output_files` data source " +
			"lists the files without their URLs.",
		Attributes: map[string]schema.Attribute{
			"job_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: jobIDDescription,
				Validators:          []validator.String{jobIDValidator()},
			},
			"output_directory_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: outputDirectoryIDDescription,
				Validators:          outputDirectoryIDValidators(),
			},
			"path": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The file, relative to the output directory: `stdout.txt`, or `models/final.txt`.",
				Validators:          []validator.String{outputFilePath()},
			},
			"link_expiry_in_minutes": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "How long the download URL stays valid, 5 to 600 minutes (default 60).",
				Validators:          []validator.Int64{int64validator.Between(api.LinkExpiryMinMinutes, api.LinkExpiryMaxMinutes)},
			},
			"read_content": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether to download the file into `content` (default `false`): for small " +
					"text files, at most 1 MiB of UTF-8.",
			},
			"download_url": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The file's download URL, valid until `expires_at`: anyone who has it can read " +
					"the file (`curl -o file \"$URL\"`), without other credentials.",
			},
			"expires_at":     schema.StringAttribute{Computed: true, MarkdownDescription: "When `download_url` stops working (RFC 3339)."},
			"content_length": schema.Int64Attribute{Computed: true, MarkdownDescription: "The size of the file in bytes."},
			"last_modified":  schema.StringAttribute{Computed: true, MarkdownDescription: "When the file was last written."},
			"content": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The file's content with `read_content = true` (null otherwise).",
			},
		},
	}
}

func (e *jobOutputFileEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	m, c, ok := readConfig[jobOutputFileEphemeralModel](ctx, req.Config, &e.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	id, ok := parseIDAttribute(&resp.Diagnostics, path.Root("job_id"), kindJob, m.JobID.ValueString(), api.ParseJobID)
	if !ok {
		return
	}
	if m.OutputDirectoryID.IsNull() || m.OutputDirectoryID.IsUnknown() {
		m.OutputDirectoryID = types.StringValue(api.OutputDirectoryStdOutErr)
	}
	if m.LinkExpiryInMinutes.IsNull() || m.LinkExpiryInMinutes.IsUnknown() {
		m.LinkExpiryInMinutes = types.Int64Value(api.LinkExpiryDefaultMinutes)
	}
	ctx, cancel := e.readContext(ctx, id.String())
	defer cancel()

	dir, name := ".", m.Path.ValueString()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		dir, name = name[:i], name[i+1:]
	}
	files, ok := listOutputFiles(ctx, c, id, client.OutputFilesOptions{
		OutputDirectoryID: m.OutputDirectoryID.ValueString(), Directory: dir,
		LinkExpiryInMinutes: int(m.LinkExpiryInMinutes.ValueInt64()),
	}, path.Root("job_id"), &resp.Diagnostics)
	if !ok {
		return
	}
	requestedAt := time.Now()
	f, err := findOutputFile(files, name)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Output File Not Found",
			fmt.Sprintf("The output directory %q of the job %s has no file %q: %s. Files exist once the job has "+
				"started; the batchai_job_output_files data source lists them.", m.OutputDirectoryID.ValueString(),
				id, m.Path.ValueString(), err))
		return
	}
	downloadURL := api.Deref(f.DownloadURL)
	m.DownloadURL = types.StringValue(downloadURL)
	m.ExpiresAt = types.StringValue(sasExpiry(downloadURL, requestedAt.Add(time.Duration(m.LinkExpiryInMinutes.ValueInt64())*time.Minute)))
	m.ContentLength = types.Int64Value(api.Deref(api.Deref(f.Properties).ContentLength))
	m.LastModified = stringOrNull(api.Deref(f.Properties).LastModified)
	m.Content = types.StringNull()
	if m.ReadContent.ValueBool() {
		raw, err := c.Download(ctx, downloadURL, client.DownloadRange{}, outputFileMaxContent)
		switch {
		case errors.Is(err, client.ErrDownloadTooLarge):
			resp.Diagnostics.AddAttributeError(path.Root("read_content"), "Output File Too Large",
				fmt.Sprintf("The file %q of the job %s holds %d bytes: read_content reads at most %d. Download it "+
					"through download_url instead.", m.Path.ValueString(), id, m.ContentLength.ValueInt64(), outputFileMaxContent))
			return
		case err != nil:
			addAPIError(&resp.Diagnostics, actionDownload, kindOutputFile, id.String()+"/"+m.Path.ValueString(), err)
			return
		case !utf8.Valid(raw):
			resp.Diagnostics.AddAttributeError(path.Root("read_content"), "Output File Is Not Text",
				fmt.Sprintf("The file %q of the job %s is not UTF-8 text, which a Terraform string cannot hold. "+
					"Download it through download_url instead.", m.Path.ValueString(), id))
			return
		}
		m.Content = types.StringValue(string(raw))
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// findOutputFile finds the file name among the entries of a listing; the error lists what there is.
func findOutputFile(files []api.File, name string) (api.File, error) {
	var names []string
	for _, f := range files {
		n := api.Deref(f.Name)
		if n == name {
			if api.Deref(f.FileType) == api.FileTypeDirectory || f.DownloadURL == nil {
				return f, fmt.Errorf("%q is a folder", name)
			}
			return f, nil
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return api.File{}, errors.New("the folder is empty")
	}
	return api.File{}, fmt.Errorf("it holds %s", strings.Join(names, ", "))
}

// sasExpiry is the se= expiry a SAS URL carries (RFC 3339), or fallback when it has none.
func sasExpiry(downloadURL string, fallback time.Time) string {
	if u, err := url.Parse(downloadURL); err == nil {
		if se, err := time.Parse(time.RFC3339, u.Query().Get("se")); err == nil {
			return se.UTC().Format(time.RFC3339)
		}
	}
	return fallback.UTC().Format(time.RFC3339)
}
