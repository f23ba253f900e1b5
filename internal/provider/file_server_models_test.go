package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
)

// TestFileServerUserAccountIsTheClusters: the file server's user_account is flattened and expanded with the
// cluster's functions, which use the cluster's object type; the two blocks must declare the same attributes.
func TestFileServerUserAccountIsTheClusters(t *testing.T) {
	t.Parallel()
	if !reflect.DeepEqual(fileServerUserAccountAttrTypes, clusterUserAccountResourceAttrTypes) {
		t.Errorf("file server user_account %v differs from the cluster's %v", fileServerUserAccountAttrTypes, clusterUserAccountResourceAttrTypes)
	}
	d := fileServerDataSourceSchema()
	if got := objectAttrTypesAt(d, path.Root("data_disks")); !reflect.DeepEqual(got, fileServerDataDisksAttrTypes) {
		t.Errorf("the data source's data_disks %v differ from the resource's %v", got, fileServerDataDisksAttrTypes)
	}
}
