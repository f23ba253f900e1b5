package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// resourceGroupsAPIVersion is the Microsoft.Resources version used for resource groups.
const resourceGroupsAPIVersion = "2021-04-01"

// ListUsages lists the Batch AI quotas and their use in a location of the client's subscription.
func (c *Client) ListUsages(ctx context.Context, location string) ([]api.Usage, error) {
	path := "/subscriptions/" + url.PathEscape(c.subscriptionID) + "/providers/" + api.ProviderNamespace +
		"/locations/" + url.PathEscape(location) + "/usages"
	return listAll[api.Usage](ctx, c, http.MethodGet, path)
}

// ListOperations lists the operations the resource provider offers.
func (c *Client) ListOperations(ctx context.Context) ([]api.Operation, error) {
	return listAll[api.Operation](ctx, c, http.MethodGet, "/providers/"+api.ProviderNamespace+"/operations")
}

// CreateResourceGroup creates or updates a resource group in the client's subscription.
func (c *Client) CreateResourceGroup(ctx context.Context, name, location string) (api.ResourceGroup, error) {
	var rg api.ResourceGroup
	body := api.ResourceGroup{Location: &location}
	_, err := c.do(ctx, http.MethodPut, c.resourceGroupPath(name), body, &rg, http.StatusOK, http.StatusCreated)
	return rg, err
}

// GetResourceGroup reads a resource group of the client's subscription.
func (c *Client) GetResourceGroup(ctx context.Context, name string) (api.ResourceGroup, error) {
	var rg api.ResourceGroup
	_, err := c.do(ctx, http.MethodGet, c.resourceGroupPath(name), nil, &rg, http.StatusOK)
	return rg, err
}

// BeginDeleteResourceGroup deletes a resource group and everything in it.
func (c *Client) BeginDeleteResourceGroup(ctx context.Context, name string) (*Poller[struct{}], error) {
	return beginDelete(ctx, c, c.resourceGroupPath(name))
}

func (c *Client) resourceGroupPath(name string) string {
	return "/subscriptions/" + url.PathEscape(c.subscriptionID) + "/resourcegroups/" + url.PathEscape(name) +
		"?api-version=" + resourceGroupsAPIVersion
}

// escapePath escapes each segment of an ARM ID built from names that passed validation; names
// may still hold characters such as '.' in resource groups, which stay as they are.
func escapePath(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
