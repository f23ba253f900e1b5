package client

import (
	"context"
	"net/http"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// BeginCreateFileServer creates a file server (PUT, long-running).
func (c *Client) BeginCreateFileServer(ctx context.Context, id api.FileServerID, p api.FileServerCreateParameters) (*Poller[api.FileServer], error) {
	return begin[api.FileServer](ctx, c, http.MethodPut, escapePath(id.String()), p, http.StatusOK, http.StatusCreated, http.StatusAccepted)
}

// GetFileServer reads a file server.
func (c *Client) GetFileServer(ctx context.Context, id api.FileServerID) (api.FileServer, error) {
	var fs api.FileServer
	_, err := c.do(ctx, http.MethodGet, escapePath(id.String()), nil, &fs, http.StatusOK)
	return fs, err
}

// BeginDeleteFileServer deletes a file server; 204 (already gone) counts as success.
func (c *Client) BeginDeleteFileServer(ctx context.Context, id api.FileServerID) (*Poller[struct{}], error) {
	return beginDelete(ctx, c, escapePath(id.String()))
}

// ListFileServers lists the file servers of a workspace, following every page.
func (c *Client) ListFileServers(ctx context.Context, ws api.WorkspaceID) ([]api.FileServer, error) {
	return listAll[api.FileServer](ctx, c, http.MethodGet, escapePath(ws.String())+"/fileServers")
}
