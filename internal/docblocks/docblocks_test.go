package docblocks

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	page := "# Title\n\n" +
		"```terraform\nresource \"a\" \"b\" {}\n```\n\n" +
		"Text.\n\n<!-- docs-check: partial -->\n```terraform\n  scale_settings {}\n```\n\n" +
		"<!-- docs-check: config other; var name=value with spaces -->\n<!-- docs-check: needs mycluster -->\n\n" +
		"<!-- docs-check: requires query; file list.tfquery.hcl -->\n" +
		"```hcl\nvariable \"name\" {}\n```\n\n" +
		"<!-- docs-check: run expect=2 (it finds something) -->\n```sh\nterraform plan\n```\n\n" +
		"```console\n$ terraform apply\n```\n" +
		"````markdown\n```terraform\nnot a block of its own\n```\n````\n"
	blocks, err := Parse("p.md", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 6 {
		t.Fatalf("%d blocks: %+v", len(blocks), blocks)
	}
	want := []Block{
		{Page: "p.md", Line: 3, Language: "terraform", Text: "resource \"a\" \"b\" {}\n", Config: DefaultConfig},
		{Page: "p.md", Line: 10, Language: "terraform", Text: "  scale_settings {}\n", Config: DefaultConfig, Partial: true},
		{Page: "p.md", Line: 18, Language: "hcl", Text: "variable \"name\" {}\n", Config: "other",
			Vars: map[string]string{"name": "value with spaces"}, Needs: []string{"mycluster"},
			Requires: []string{"query"}, File: "list.tfquery.hcl"},
		{Page: "p.md", Line: 23, Language: "sh", Text: "terraform plan\n", Config: DefaultConfig, Run: true, ExpectExit: 2},
		{Page: "p.md", Line: 27, Language: "console", Text: "$ terraform apply\n", Config: DefaultConfig},
		{Page: "p.md", Line: 30, Language: "markdown", Text: "```terraform\nnot a block of its own\n```\n", Config: DefaultConfig},
	}
	for i := range want {
		if !reflect.DeepEqual(blocks[i], want[i]) {
			t.Errorf("block %d:\n got %+v\nwant %+v", i, blocks[i], want[i])
		}
	}

	configs := Configs(blocks)
	if len(configs) != 2 || configs[0].Name != DefaultConfig || configs[1].Name != "other" {
		t.Fatalf("configs %+v", configs)
	}
	if main := configs[0]; len(main.Blocks) != 1 || len(main.Scripts) != 1 || main.Blocks[0].Line != 3 {
		t.Errorf("main config %+v: want the first block and the script, not the partial one", main)
	}
	if other := configs[1]; !reflect.DeepEqual(other.Needs, []string{"mycluster"}) || other.Vars["name"] != "value with spaces" {
		t.Errorf("other config %+v", other)
	}
}

// A marker the check does not understand, or one that marks nothing, fails the parse: a typo must never turn
// a check off silently.
func TestParseRejectsBadMarkers(t *testing.T) {
	for name, tc := range map[string]struct{ page, want string }{
		"unknown":           {"<!-- docs-check: partail -->\n```terraform\nx\n```\n", `unknown docs-check marker "partail"`},
		"dangling":          {"<!-- docs-check: partial -->\nSome text.\n```terraform\nx\n```\n", "not followed by a code block"},
		"at the end":        {"```terraform\nx\n```\n<!-- docs-check: partial -->\n", "not followed by a code block"},
		"config name":       {"<!-- docs-check: config -->\n```terraform\nx\n```\n", "needs a name"},
		"var":               {"<!-- docs-check: var x -->\n```terraform\nx\n```\n", "`var NAME=VALUE`"},
		"run expect":        {"<!-- docs-check: run expect=two -->\n```sh\nx\n```\n", "`run expect=N`"},
		"run on HCL":        {"<!-- docs-check: run -->\n```terraform\nx\n```\n", "for shell snippets"},
		"partial with vars": {"<!-- docs-check: partial; var a=b -->\n```terraform\nx\n```\n", "in no configuration"},
		"cli-config in one": {"<!-- docs-check: cli-config; config x -->\n```hcl\nx\n```\n", "in no configuration"},
		"unclosed":          {"```terraform\nx\n", "never closed"},
		"unknown feature":   {"<!-- docs-check: requires teleport -->\n```terraform\nx\n```\n", `unknown feature "teleport"`},
		"file path":         {"<!-- docs-check: file a/b.tf -->\n```terraform\nx\n```\n", "plain file name"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("p.md", []byte(tc.page))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}
