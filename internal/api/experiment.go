package api

// Experiment is a named folder of jobs under a workspace (spec: Experiment, a ProxyResource). It has nothing
// to configure: every property is read-only.
type Experiment struct {
	ID         *string               `json:"id,omitempty"`
	Name       *string               `json:"name,omitempty"`
	Type       *string               `json:"type,omitempty"`
	Properties *ExperimentProperties `json:"properties,omitempty"`
}

// ExperimentProperties are read-only.
type ExperimentProperties struct {
	CreationTime                    *string `json:"creationTime,omitempty"`
	ProvisioningState               *string `json:"provisioningState,omitempty"`
	ProvisioningStateTransitionTime *string `json:"provisioningStateTransitionTime,omitempty"`
}

// ExperimentCreateParameters is the optional body of an experiment PUT. The spec declares no body at all,
// while Microsoft's example (examples/PutExperiment.json) sends {"properties":{}}; the service accepted
// both, and so does the emulator (read-only values sent in Properties are ignored).
type ExperimentCreateParameters struct {
	Properties *ExperimentProperties `json:"properties,omitempty"`
}

// ExperimentListResult is one page of experiments.
type ExperimentListResult struct {
	Value    []Experiment `json:"value"`
	NextLink *string      `json:"nextLink,omitempty"`
}
