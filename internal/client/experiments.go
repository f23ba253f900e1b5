package client

import (
	"context"
	"net/http"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// BeginCreateExperiment creates an experiment (PUT with no body, as the spec declares). Real traffic
// answered 200 at once; the spec also allows 202, which the returned poller handles.
func (c *Client) BeginCreateExperiment(ctx context.Context, id api.ExperimentID) (*Poller[api.Experiment], error) {
	return begin[api.Experiment](ctx, c, http.MethodPut, escapePath(id.String()), nil, http.StatusOK, http.StatusCreated, http.StatusAccepted)
}

// GetExperiment reads an experiment.
func (c *Client) GetExperiment(ctx context.Context, id api.ExperimentID) (api.Experiment, error) {
	var x api.Experiment
	_, err := c.do(ctx, http.MethodGet, escapePath(id.String()), nil, &x, http.StatusOK)
	return x, err
}

// BeginDeleteExperiment deletes an experiment and every job in it; 204 (already gone) counts as success.
func (c *Client) BeginDeleteExperiment(ctx context.Context, id api.ExperimentID) (*Poller[struct{}], error) {
	return beginDelete(ctx, c, escapePath(id.String()))
}

// ListExperiments lists the experiments of a workspace, following every page.
func (c *Client) ListExperiments(ctx context.Context, ws api.WorkspaceID) ([]api.Experiment, error) {
	return listAll[api.Experiment](ctx, c, http.MethodGet, escapePath(ws.String())+"/experiments")
}
