package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// MetadataEnvironmentName is the name the emulator's cloud reports in /metadata/endpoints.
const MetadataEnvironmentName = "BatchAIEmulator"

// Metadata api-versions. 2022-09-01 answers with ONE environment object; 2019-05-01 with an ARRAY of them. This is
// how hashicorp/go-azure-sdk (azurerm's metadata_host) reads them: sdk/internal/metadata decodes 2022-09-01 into a
// single struct and falls back to 2019-05-01 as a list, picking the entry by name. 2015-01-01 is the original
// single-object shape (LegacyMetadata) that only msrestazure (azure-cli's `az cloud register
// --endpoint-resource-manager`) still reads.
const (
	MetadataAPIVersion         = "2022-09-01"
	MetadataLegacyAPIVersion   = "2019-05-01"
	MetadataOriginalAPIVersion = "2015-01-01"
)

// LegacyMetadata is the 2015-01-01 document, as Azure and Azure Stack Hub serve it. msrestazure takes the cloud's
// active directory endpoint from authentication.loginEndpoint and its ARM audience from audiences[0]; the emulator's
// loginEndpoint is its AD FS-style authority, the one unmodified azure-cli 2.45 can sign in to (see adfs.go).
type LegacyMetadata struct {
	GalleryEndpoint string               `json:"galleryEndpoint"`
	GraphEndpoint   string               `json:"graphEndpoint"`
	PortalEndpoint  string               `json:"portalEndpoint"`
	Authentication  LegacyAuthentication `json:"authentication"`
}

// LegacyAuthentication is the authentication object of the 2015-01-01 document.
type LegacyAuthentication struct {
	LoginEndpoint string   `json:"loginEndpoint"`
	Audiences     []string `json:"audiences"`
}

// NewLegacyMetadata describes the emulator at baseURL in the 2015-01-01 shape.
func NewLegacyMetadata(baseURL string) LegacyMetadata {
	env := NewMetadataEnvironment(baseURL)
	return LegacyMetadata{
		GalleryEndpoint: "https://gallery.azure.com/",
		GraphEndpoint:   env.Graph,
		PortalEndpoint:  env.Portal + "/",
		Authentication: LegacyAuthentication{
			LoginEndpoint: ADFSIssuer(baseURL),
			Audiences:     env.Authentication.Audiences,
		},
	}
}

// MetadataEnvironment is one cloud in ARM's /metadata/endpoints document. The provider can parse the emulator's
// (or real Azure's) document with DecodeMetadata.
type MetadataEnvironment struct {
	Portal         string                 `json:"portal"`
	Authentication MetadataAuthentication `json:"authentication"`
	Media          string                 `json:"media"`
	GraphAudience  string                 `json:"graphAudience"`
	Graph          string                 `json:"graph"`
	Name           string                 `json:"name"`
	Suffixes       MetadataSuffixes       `json:"suffixes"`
	Batch          string                 `json:"batch"`
	// ResourceManager is the ARM endpoint (with a trailing slash, as Azure returns it).
	ResourceManager                       string `json:"resourceManager"`
	VMImageAliasDoc                       string `json:"vmImageAliasDoc"`
	ActiveDirectoryDataLake               string `json:"activeDirectoryDataLake"`
	SQLManagement                         string `json:"sqlManagement"`
	MicrosoftGraphResourceID              string `json:"microsoftGraphResourceId"`
	AppInsightsResourceID                 string `json:"appInsightsResourceId"`
	AppInsightsTelemetryChannelResourceID string `json:"appInsightsTelemetryChannelResourceId"`
	AttestationResourceID                 string `json:"attestationResourceId"`
	SynapseAnalyticsResourceID            string `json:"synapseAnalyticsResourceId"`
	LogAnalyticsResourceID                string `json:"logAnalyticsResourceId"`
	OSSRDBMSResourceID                    string `json:"ossrDbmsResourceId"`
}

// MetadataAuthentication says where to get tokens (LoginEndpoint is the AAD authority host) and for which audiences.
type MetadataAuthentication struct {
	LoginEndpoint    string   `json:"loginEndpoint"`
	Audiences        []string `json:"audiences"`
	Tenant           string   `json:"tenant"`
	IdentityProvider string   `json:"identityProvider"`
}

// MetadataSuffixes are the cloud's DNS suffixes (public-cloud values; the emulator serves none of these services).
type MetadataSuffixes struct {
	AzureDataLakeStoreFileSystem        string `json:"azureDataLakeStoreFileSystem"`
	AcrLoginServer                      string `json:"acrLoginServer"`
	SQLServerHostname                   string `json:"sqlServerHostname"`
	AzureDataLakeAnalyticsCatalogAndJob string `json:"azureDataLakeAnalyticsCatalogAndJob"`
	KeyVaultDNS                         string `json:"keyVaultDns"`
	Storage                             string `json:"storage"`
	AzureFrontDoorEndpointSuffix        string `json:"azureFrontDoorEndpointSuffix"`
	StorageSyncEndpointSuffix           string `json:"storageSyncEndpointSuffix"`
	MhsmDNS                             string `json:"mhsmDns"`
	MysqlServerEndpoint                 string `json:"mysqlServerEndpoint"`
	PostgresqlServerEndpoint            string `json:"postgresqlServerEndpoint"`
	MariadbServerEndpoint               string `json:"mariadbServerEndpoint"`
	SynapseAnalytics                    string `json:"synapseAnalytics"`
	AttestationEndpoint                 string `json:"attestationEndpoint"`
}

// NewMetadataEnvironment describes the emulator at baseURL (e.g. "https://127.0.0.1:8443"). Services the emulator
// does not implement keep their public-cloud values, because SDKs reject documents with empty mandatory fields
// (go-azure-sdk requires name, resourceManager and microsoftGraphResourceId).
func NewMetadataEnvironment(baseURL string) MetadataEnvironment {
	base := strings.TrimSuffix(baseURL, "/") + "/"
	return MetadataEnvironment{
		Portal: strings.TrimSuffix(base, "/"),
		Authentication: MetadataAuthentication{
			LoginEndpoint:    base,
			Audiences:        []string{ARMAudience, base},
			Tenant:           "common",
			IdentityProvider: "AAD",
		},
		Media:         "https://rest.media.azure.net",
		GraphAudience: "https://graph.windows.net/",
		Graph:         "https://graph.windows.net/",
		Name:          MetadataEnvironmentName,
		Suffixes: MetadataSuffixes{
			AzureDataLakeStoreFileSystem: "azuredatalakestore.net", AcrLoginServer: "azurecr.io",
			SQLServerHostname: "database.windows.net", AzureDataLakeAnalyticsCatalogAndJob: "azuredatalakeanalytics.net",
			KeyVaultDNS: "vault.azure.net", Storage: "core.windows.net", AzureFrontDoorEndpointSuffix: "azurefd.net",
			StorageSyncEndpointSuffix: "afs.azure.net", MhsmDNS: "managedhsm.azure.net",
			MysqlServerEndpoint: "mysql.database.azure.com", PostgresqlServerEndpoint: "postgres.database.azure.com",
			MariadbServerEndpoint: "mariadb.database.azure.com", SynapseAnalytics: "dev.azuresynapse.net",
			AttestationEndpoint: "attest.azure.net",
		},
		Batch:                                 "https://batch.core.windows.net/",
		ResourceManager:                       base,
		VMImageAliasDoc:                       "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json",
		ActiveDirectoryDataLake:               "https://datalake.azure.net/",
		SQLManagement:                         "https://management.core.windows.net:8443/",
		MicrosoftGraphResourceID:              "https://graph.microsoft.com/",
		AppInsightsResourceID:                 "https://api.applicationinsights.io",
		AppInsightsTelemetryChannelResourceID: "https://dc.applicationinsights.azure.com/v2/track",
		AttestationResourceID:                 "https://attest.azure.net",
		SynapseAnalyticsResourceID:            "https://dev.azuresynapse.net",
		LogAnalyticsResourceID:                "https://api.loganalytics.io",
		OSSRDBMSResourceID:                    "https://ossrdbms-aad.database.windows.net",
	}
}

// MetadataHandler serves GET /metadata/endpoints?api-version=... for the emulator at baseURL. It needs no token.
func MetadataHandler(baseURL string) http.Handler {
	env := NewMetadataEnvironment(baseURL)
	original := NewLegacyMetadata(baseURL)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body any
		switch v := r.URL.Query().Get("api-version"); v {
		case MetadataAPIVersion:
			body = env
		case MetadataLegacyAPIVersion:
			body = []MetadataEnvironment{env}
		case MetadataOriginalAPIVersion:
			body = original
		case "":
			writeARMError(w, http.StatusBadRequest, "MissingApiVersionParameter",
				"The api-version query parameter (?api-version=) is required for all requests.")
			return
		default:
			writeARMError(w, http.StatusBadRequest, "InvalidApiVersionParameter", fmt.Sprintf("The api-version "+
				"'%s' is invalid. The supported versions are '%s,%s,%s'.", sanitize(v), MetadataAPIVersion,
				MetadataLegacyAPIVersion, MetadataOriginalAPIVersion))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(body)
	})
}

// DecodeMetadata parses a /metadata/endpoints document in either shape: a single environment (2022-09-01) or a
// list (2019-05-01), from which the one called name is chosen (the first when name is empty). A leading UTF-8 BOM,
// which some Azure Stack hubs send, is ignored.
func DecodeMetadata(data []byte, name string) (MetadataEnvironment, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) > 0 && data[0] == '[' {
		var list []MetadataEnvironment
		if err := json.Unmarshal(data, &list); err != nil {
			return MetadataEnvironment{}, fmt.Errorf("metadata: %w", err)
		}
		for _, e := range list {
			if name == "" || strings.EqualFold(e.Name, name) {
				return e, nil
			}
		}
		return MetadataEnvironment{}, fmt.Errorf("metadata: no environment named %q", name)
	}
	var env MetadataEnvironment
	if err := json.Unmarshal(data, &env); err != nil {
		return MetadataEnvironment{}, fmt.Errorf("metadata: %w", err)
	}
	if env.Name == "" || env.ResourceManager == "" {
		return MetadataEnvironment{}, errors.New("metadata: document lacks name or resourceManager")
	}
	return env, nil
}
