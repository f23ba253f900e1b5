package emulator

import (
	"net/http"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/auth"
)

// Microsoft.Resources subscriptions and tenants: what `az login` reads after getting its token
// (Subscriptions_List, api-version 2019-11-01 in azure-cli 2.45) and `az account` after it. A caller sees the
// subscriptions it has a role in (authz.go), as in ARM: the reader sees the default subscription, nobody sees the
// other one, and a principal the tenant does not know sees none.

// Display names of the emulator's subscriptions and tenant.
const (
	subscriptionDisplayName      = "Batch AI Emulator"
	otherSubscriptionDisplayName = "Batch AI Emulator (no access)"
	tenantDisplayName            = "Batch AI Emulator"
	tenantDomain                 = "batchaiemulator.onmicrosoft.com"
)

// subscriptionView is one subscription in Subscriptions_Get and Subscriptions_List.
type subscriptionView struct {
	ID                   string               `json:"id"`
	AuthorizationSource  string               `json:"authorizationSource"`
	ManagedByTenants     *[]tenantRef         `json:"managedByTenants,omitempty"`
	SubscriptionID       string               `json:"subscriptionId"`
	TenantID             string               `json:"tenantId"`
	DisplayName          string               `json:"displayName"`
	State                string               `json:"state"`
	SubscriptionPolicies subscriptionPolicies `json:"subscriptionPolicies"`
}

type tenantRef struct {
	TenantID string `json:"tenantId"`
}

type subscriptionPolicies struct {
	LocationPlacementID string `json:"locationPlacementId"`
	QuotaID             string `json:"quotaId"`
	SpendingLimit       string `json:"spendingLimit"`
}

// tenantView is one tenant in Tenants_List. The fields after TenantID exist from 2019-11-01 on.
type tenantView struct {
	ID             string   `json:"id"`
	TenantID       string   `json:"tenantId"`
	TenantCategory string   `json:"tenantCategory,omitempty"`
	Country        string   `json:"country,omitempty"`
	CountryCode    string   `json:"countryCode,omitempty"`
	DisplayName    string   `json:"displayName,omitempty"`
	Domains        []string `json:"domains,omitempty"`
	DefaultDomain  string   `json:"defaultDomain,omitempty"`
	TenantType     string   `json:"tenantType,omitempty"`
}

// subscriptionView builds the body of subscription sub for api-version v: managedByTenants exists from 2019-06-01.
func (e *Emulator) subscriptionView(sub, v string) subscriptionView {
	name := subscriptionDisplayName
	if !strings.EqualFold(sub, e.identity.SubscriptionID) {
		name = otherSubscriptionDisplayName
	}
	s := subscriptionView{
		ID: "/subscriptions/" + sub, AuthorizationSource: "RoleBased", SubscriptionID: sub,
		TenantID: e.identity.TenantID, DisplayName: name, State: "Enabled",
		SubscriptionPolicies: subscriptionPolicies{LocationPlacementID: "Public_2014-09-01",
			QuotaID: "PayAsYouGo_2014-09-01", SpendingLimit: "Off"},
	}
	if v >= "2019-06-01" {
		s.ManagedByTenants = &[]tenantRef{}
	}
	return s
}

// listSubscriptions answers the subscriptions the caller has a role in.
func (e *Emulator) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFromContext(r.Context())
	v := r.URL.Query().Get("api-version")
	var values []any
	err := e.read(func(t *txn) error {
		assignments, err := t.roleAssignmentsOf(p.ObjectID)
		if err != nil {
			return err
		}
		values = nil
		for _, sub := range e.identity.Subscriptions() {
			if hasRoleIn(assignments, "/subscriptions/"+sub) {
				values = append(values, e.subscriptionView(sub, v))
			}
		}
		return nil
	})
	if values == nil {
		values = []any{}
	}
	e.respond(w, r, newReply(http.StatusOK, listPage{Value: values}), err)
}

// getSubscription answers one subscription (authorize has checked the caller may read it).
func (e *Emulator) getSubscription(w http.ResponseWriter, r *http.Request) {
	sub := strings.ToLower(r.PathValue("subscriptionId"))
	e.respond(w, r, newReply(http.StatusOK, e.subscriptionView(sub, r.URL.Query().Get("api-version"))), nil)
}

// listTenants answers the caller's tenant: the emulator has one, and Authenticate refused tokens of any other.
func (e *Emulator) listTenants(w http.ResponseWriter, r *http.Request) {
	tid := e.identity.TenantID
	t := tenantView{ID: "/tenants/" + tid, TenantID: tid}
	if v := r.URL.Query().Get("api-version"); v >= "2019-11-01" {
		t.TenantCategory, t.Country, t.CountryCode = "Home", "United States", "US"
		t.DisplayName, t.Domains = tenantDisplayName, []string{tenantDomain}
		if v >= "2020-01-01" {
			t.DefaultDomain, t.TenantType = tenantDomain, "AAD"
		}
	}
	e.respond(w, r, newReply(http.StatusOK, listPage{Value: []any{t}}), nil)
}
