package client

import (
	"context"
	"net/http"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// BeginCreateCluster creates a cluster (PUT). It returns once the service has accepted the
// request (202), before the cluster is provisioned.
func (c *Client) BeginCreateCluster(ctx context.Context, id api.ClusterID, p api.ClusterCreateParameters) (*Poller[api.Cluster], error) {
	return begin[api.Cluster](ctx, c, http.MethodPut, escapePath(id.String()), p, http.StatusOK, http.StatusCreated, http.StatusAccepted)
}

// GetCluster reads a cluster.
func (c *Client) GetCluster(ctx context.Context, id api.ClusterID) (api.Cluster, error) {
	var cl api.Cluster
	_, err := c.do(ctx, http.MethodGet, escapePath(id.String()), nil, &cl, http.StatusOK)
	return cl, err
}

// UpdateCluster changes a cluster's scale settings (PATCH). The service answers synchronously;
// the resize itself then shows as allocationState "resizing". When the answer is lost (azcore does not
// retry a PATCH whose body arrives truncated), the cluster is read back: if the requested scale settings
// are in effect that cluster is the result, otherwise the PATCH, which is idempotent, is sent again.
func (c *Client) UpdateCluster(ctx context.Context, id api.ClusterID, p api.ClusterUpdateParameters) (api.Cluster, error) {
	var cl api.Cluster
	err := surviveLostAnswer(ctx, func() error {
		cl = api.Cluster{}
		_, err := c.do(ctx, http.MethodPatch, escapePath(id.String()), p, &cl, http.StatusOK)
		return err
	}, func() (bool, error) {
		cur, err := c.GetCluster(ctx, id)
		if err != nil || cur.Properties == nil || p.Properties == nil {
			return false, err
		}
		if !inEffect(p.Properties.ScaleSettings, cur.Properties.ScaleSettings) {
			return false, nil
		}
		cl = cur
		return true, nil
	})
	return cl, err
}

// BeginDeleteCluster deletes a cluster; 204 (already gone) counts as success.
func (c *Client) BeginDeleteCluster(ctx context.Context, id api.ClusterID) (*Poller[struct{}], error) {
	return beginDelete(ctx, c, escapePath(id.String()))
}

// ListClusters lists the clusters of a workspace, following every page.
func (c *Client) ListClusters(ctx context.Context, ws api.WorkspaceID) ([]api.Cluster, error) {
	return listAll[api.Cluster](ctx, c, http.MethodGet, escapePath(ws.String())+"/clusters")
}

// ListRemoteLoginInformation lists how to reach each node of a cluster over SSH (a POST action).
func (c *Client) ListRemoteLoginInformation(ctx context.Context, id api.ClusterID) ([]api.RemoteLoginInformation, error) {
	return listAll[api.RemoteLoginInformation](ctx, c, http.MethodPost, escapePath(id.String())+"/listRemoteLoginInformation")
}
