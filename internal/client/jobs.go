package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// BeginCreateJob creates a job (PUT). It returns once the service has accepted the request (202); the
// poller then waits for the job to be created, not for it to run: read the job's executionState for that.
func (c *Client) BeginCreateJob(ctx context.Context, id api.JobID, p api.JobCreateParameters) (*Poller[api.Job], error) {
	return begin[api.Job](ctx, c, http.MethodPut, escapePath(id.String()), p, http.StatusOK, http.StatusCreated, http.StatusAccepted)
}

// GetJob reads a job.
func (c *Client) GetJob(ctx context.Context, id api.JobID) (api.Job, error) {
	var j api.Job
	_, err := c.do(ctx, http.MethodGet, escapePath(id.String()), nil, &j, http.StatusOK)
	return j, err
}

// BeginDeleteJob deletes a job (a running job stops); 204 (already gone) counts as success.
func (c *Client) BeginDeleteJob(ctx context.Context, id api.JobID) (*Poller[struct{}], error) {
	return beginDelete(ctx, c, escapePath(id.String()))
}

// BeginTerminateJob stops a job (POST terminate): the job is "terminating", then "failed". A job that has
// already ended answers 200, and the poller is done at once. Terminating is idempotent (a job already
// terminating, or ended, is simply answered again), so a POST whose answer was lost is sent again.
func (c *Client) BeginTerminateJob(ctx context.Context, id api.JobID) (*Poller[struct{}], error) {
	var p *Poller[struct{}]
	err := surviveLostAnswer(ctx, func() error {
		var err error
		p, err = begin[struct{}](ctx, c, http.MethodPost, escapePath(id.String())+"/terminate", nil, http.StatusOK, http.StatusAccepted)
		return err
	}, nil)
	return p, err
}

// ListJobs lists the jobs of an experiment, following every page.
func (c *Client) ListJobs(ctx context.Context, exp api.ExperimentID) ([]api.Job, error) {
	return listAll[api.Job](ctx, c, http.MethodGet, escapePath(exp.String())+"/jobs")
}

// ListJobRemoteLoginInformation lists the nodes a job runs on, with their SSH addresses (a POST action).
func (c *Client) ListJobRemoteLoginInformation(ctx context.Context, id api.JobID) ([]api.RemoteLoginInformation, error) {
	return listAll[api.RemoteLoginInformation](ctx, c, http.MethodPost, escapePath(id.String())+"/listRemoteLoginInformation")
}

// OutputFilesOptions selects what ListOutputFiles lists.
type OutputFilesOptions struct {
	// OutputDirectoryID is api.OutputDirectoryStdOutErr or the id of one of the job's output directories
	// (required).
	OutputDirectoryID string
	// Directory is a folder inside it; empty means the service's default, ".".
	Directory string
	// LinkExpiryInMinutes is how long each download URL stays valid (5 to 600); 0 means the service's
	// default, 60.
	LinkExpiryInMinutes int
	// MaxResults is the page size (1 to 1000); 0 means the service's default.
	MaxResults int
}

// ListOutputFiles lists one directory of a job's output (a POST action), following every page. Each
// file's DownloadURL is a credential that expires: never log it or store it.
func (c *Client) ListOutputFiles(ctx context.Context, id api.JobID, o OutputFilesOptions) ([]api.File, error) {
	q := url.Values{}
	q.Set("outputdirectoryid", o.OutputDirectoryID)
	if o.Directory != "" {
		q.Set("directory", o.Directory)
	}
	if o.LinkExpiryInMinutes != 0 {
		q.Set("linkexpiryinminutes", strconv.Itoa(o.LinkExpiryInMinutes))
	}
	if o.MaxResults != 0 {
		q.Set("maxresults", strconv.Itoa(o.MaxResults))
	}
	return listAll[api.File](ctx, c, http.MethodPost, escapePath(id.String())+"/listOutputFiles?"+q.Encode())
}
