package sim

import (
	"encoding/json"
	"fmt"
)

// jobPlan is everything the profile job needs to know, decided by srtctl
// at submit time and carried inside the batch script, so the job depends
// on nothing srtctl writes after sbatch returns.
type jobPlan struct {
	Name          string      `json:"name"`
	Model         string      `json:"model"`
	Profiling     string      `json:"profiling"` // torch or nsys ("none" profiles nothing)
	Disaggregated bool        `json:"disaggregated"`
	Workers       [3]int      `json:"workers"` // prefill, decode, aggregated
	GPUs          [3]int      `json:"gpus"`    // per mode: nodes * gpus_per_node
	Phases        []phasePlan `json:"phases"`
	Traces        string      `json:"traces,omitempty"`
	Pace          float64     `json:"pace"`
}

// phasePlan is one profiled phase with its values as written: nil means
// the key was absent, which the real script turns into its own errors
// and warnings.
type phasePlan struct {
	Name        string `json:"name"`
	ISL         *int   `json:"isl,omitempty"`
	OSL         *int   `json:"osl,omitempty"`
	Concurrency *int   `json:"concurrency,omitempty"`
	StartStep   *int   `json:"start_step,omitempty"`
	StopStep    *int   `json:"stop_step,omitempty"`
	// Ranks is how many trace files the phase leaves: TP ranks for torch,
	// nodes for nsys.
	Ranks int `json:"ranks"`
	// Node index into the job's node list the phase runs on.
	Node int `json:"node"`
}

func (p jobPlan) encode() string {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return string(b)
}

func decodePlan(s string) (jobPlan, error) {
	var p jobPlan
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return p, fmt.Errorf("bad --plan: %w", err)
	}
	if p.Pace <= 0 {
		p.Pace = 1
	}
	for i := range p.Phases {
		p.Phases[i].Ranks = min(max(p.Phases[i].Ranks, 1), maxTraceRanks)
	}
	return p, nil
}

// maxTraceRanks bounds the trace files per phase; more would only fill
// the disk of whoever runs the demo.
const maxTraceRanks = 8

// modeIndex maps a phase name to the Workers/GPUs index.
func modeIndex(phase string) int {
	switch phase {
	case "prefill":
		return 0
	case "decode":
		return 1
	}
	return 2
}
