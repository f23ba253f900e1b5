package sim

import "encoding/json"

// clone deep-copies v through JSON. Every type it is used on is a JSON-tagged model or state
// struct, so the copy is exact (the same representation the HTTP layer persists), and no copy
// ever shares a pointer with the original: callers may mutate either freely.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sim: cannot marshal " + err.Error()) // impossible for the model types
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic("sim: cannot unmarshal " + err.Error())
	}
	return out
}
