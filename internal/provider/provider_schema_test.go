package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestProviderSchemas_valid asks the provider server for every schema, as Terraform does, so schema
// mistakes the framework only reports at runtime (defaults on required attributes, bad plan modifiers)
// fail here, and checks that every attribute and block is documented.
func TestProviderSchemas_valid(t *testing.T) {
	t.Parallel()
	srv, err := testAccProtoV6ProviderFactories["batchai"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	checkDocumented(t, "provider", resp.Provider.Block)
	for name, s := range resp.ResourceSchemas {
		checkDocumented(t, name, s.Block)
	}
	for name, s := range resp.DataSourceSchemas {
		checkDocumented(t, name, s.Block)
	}
	if _, ok := resp.ResourceSchemas["batchai_workspace"]; !ok {
		t.Error("batchai_workspace is not registered")
	}
}

func checkDocumented(t *testing.T, where string, b *tfprotov6.SchemaBlock) {
	t.Helper()
	if b == nil {
		return
	}
	for _, a := range b.Attributes {
		p := where + "." + a.Name
		if strings.TrimSpace(a.Description) == "" {
			t.Errorf("%s has no description", p)
		}
		if a.NestedType != nil {
			checkDocumented(t, p, &tfprotov6.SchemaBlock{Attributes: a.NestedType.Attributes})
		}
	}
	for _, nb := range b.BlockTypes {
		p := where + "." + nb.TypeName
		if strings.TrimSpace(nb.Block.Description) == "" && nb.TypeName != "timeouts" {
			t.Errorf("block %s has no description", p)
		}
		checkDocumented(t, p, nb.Block)
	}
}
