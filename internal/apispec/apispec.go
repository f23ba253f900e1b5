// Package apispec embeds the Microsoft.BatchAI 2018-05-01 REST API specification (BatchAI.json) and
// Microsoft's request/response examples, verbatim from Azure/azure-rest-api-specs (MIT license; the commit
// of each file is in SOURCES.txt). Tests read them from here, so the suite needs nothing outside the
// repository.
package apispec

import (
	"embed"
	"io/fs"
)

//go:embed 2018-05-01/BatchAI.json 2018-05-01/examples/*.json
var files embed.FS

// Dir is the folder of the 2018-05-01 spec inside FS.
const Dir = "2018-05-01"

// FS holds 2018-05-01/BatchAI.json and 2018-05-01/examples/*.json.
var FS fs.FS = files

// Spec returns BatchAI.json.
func Spec() ([]byte, error) { return fs.ReadFile(files, Dir+"/BatchAI.json") }

// Example returns one example file by its base name, e.g. "PutCluster.json".
func Example(name string) ([]byte, error) { return fs.ReadFile(files, Dir+"/examples/"+name) }

// Examples lists the example files' base names.
func Examples() ([]string, error) {
	entries, err := fs.ReadDir(files, Dir+"/examples")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}
