package client

import (
	"context"
	"maps"
	"net/http"
	"net/url"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// BeginCreateWorkspace creates or updates a workspace (PUT). Real traffic answered 200 at once;
// the spec also allows 202, which the returned poller handles.
func (c *Client) BeginCreateWorkspace(ctx context.Context, id api.WorkspaceID, p api.WorkspaceCreateParameters) (*Poller[api.Workspace], error) {
	return begin[api.Workspace](ctx, c, http.MethodPut, escapePath(id.String()), p, http.StatusOK, http.StatusCreated, http.StatusAccepted)
}

// GetWorkspace reads a workspace.
func (c *Client) GetWorkspace(ctx context.Context, id api.WorkspaceID) (api.Workspace, error) {
	var ws api.Workspace
	_, err := c.do(ctx, http.MethodGet, escapePath(id.String()), nil, &ws, http.StatusOK)
	return ws, err
}

// UpdateWorkspace replaces a workspace's tags (PATCH, synchronous). When the answer is lost, the
// workspace is read back and is the result if it has the requested tags; otherwise the PATCH is sent
// again.
func (c *Client) UpdateWorkspace(ctx context.Context, id api.WorkspaceID, p api.WorkspaceUpdateParameters) (api.Workspace, error) {
	var ws api.Workspace
	err := surviveLostAnswer(ctx, func() error {
		ws = api.Workspace{}
		_, err := c.do(ctx, http.MethodPatch, escapePath(id.String()), p, &ws, http.StatusOK)
		return err
	}, func() (bool, error) {
		cur, err := c.GetWorkspace(ctx, id)
		// An empty tag map is omitted from the body, which the service reads as "leave the tags alone".
		if err != nil || (len(p.Tags) > 0 && !maps.Equal(p.Tags, cur.Tags)) {
			return false, err
		}
		ws = cur
		return true, nil
	})
	return ws, err
}

// BeginDeleteWorkspace deletes a workspace. A workspace that does not exist answers 204, which
// counts as success.
func (c *Client) BeginDeleteWorkspace(ctx context.Context, id api.WorkspaceID) (*Poller[struct{}], error) {
	return beginDelete(ctx, c, escapePath(id.String()))
}

// ListWorkspacesByResourceGroup lists the workspaces of a resource group, following every page.
func (c *Client) ListWorkspacesByResourceGroup(ctx context.Context, subscriptionID, resourceGroup string) ([]api.Workspace, error) {
	path := "/subscriptions/" + url.PathEscape(subscriptionID) + "/resourceGroups/" + url.PathEscape(resourceGroup) +
		"/providers/" + api.ProviderNamespace + "/workspaces"
	return listAll[api.Workspace](ctx, c, http.MethodGet, path)
}

// ListWorkspaces lists the workspaces of the client's subscription, following every page.
func (c *Client) ListWorkspaces(ctx context.Context) ([]api.Workspace, error) {
	return c.ListWorkspacesBySubscription(ctx, c.subscriptionID)
}

// ListWorkspacesBySubscription lists the workspaces of a subscription, following every page.
func (c *Client) ListWorkspacesBySubscription(ctx context.Context, subscriptionID string) ([]api.Workspace, error) {
	path := "/subscriptions/" + url.PathEscape(subscriptionID) + "/providers/" + api.ProviderNamespace + "/workspaces"
	return listAll[api.Workspace](ctx, c, http.MethodGet, path)
}
