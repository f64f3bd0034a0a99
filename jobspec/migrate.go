package jobspec

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MigrateToV2 rewrites a 1.0.x job in the 2.x layout, as `srtctl migrate`
// does (reference §2.2, §2.6): `schema: 2` first (beside base: in an
// override file), resources' per-role counts into roles.<r>.nodes /
// workers / gpus (decode_nodes: 0 is nodes: colocate), backend into
// engine: and each role's env and args, the placement flags into
// placement.node, dynamo.version/wheel into dynamo.source, infra into
// services. Comments and key order stay; the text is re-rendered with
// two-space indents. Keys whose 2.x spelling the reference does not give
// (dynamo.hash, dynamo.cargo_patches, infra.nats_max_payload_mb) stop it
// with an error naming them: the cluster's own `srtctl migrate` knows.
func MigrateToV2(d *Doc) ([]byte, error) {
	if d.root == nil {
		return nil, fmt.Errorf("%s is empty", d.Name())
	}
	if k, _ := mapGet(d.root, "schema"); k != nil {
		return nil, fmt.Errorf("%s already has schema:", d.Name())
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(d.Bytes(), &doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	var jobs []*yaml.Node
	if _, b := mapGet(root, "base"); b != nil {
		jobs = append(jobs, b)
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i].Value; strings.HasPrefix(k, "override_") || strings.HasPrefix(k, "zip_override_") {
				jobs = append(jobs, root.Content[i+1])
			}
		}
	} else {
		jobs = append(jobs, root)
	}
	for _, j := range jobs {
		if err := migrateJob(j); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Name(), err)
		}
	}
	schemaKey := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "schema"}
	if len(root.Content) > 0 && root.Content[0].HeadComment != "" {
		schemaKey.HeadComment, root.Content[0].HeadComment = root.Content[0].HeadComment, ""
	}
	root.Content = append([]*yaml.Node{schemaKey, {Kind: yaml.ScalarNode, Tag: "!!int", Value: "2"}}, root.Content...)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// v1Modes pairs 1.0.x's mode names with 2.x's roles.
var v1Modes = []struct{ mode, role string }{{"prefill", "prefill"}, {"decode", "decode"}, {"aggregated", "agg"}}

func migrateJob(job *yaml.Node) error {
	if job.Kind != yaml.MappingNode {
		return nil
	}
	for _, p := range []string{"dynamo.hash", "dynamo.cargo_patches", "infra.nats_max_payload_mb"} {
		if nodeAt(job, p) != nil {
			return fmt.Errorf("%s has no 2.x spelling this tool can vouch for; use the cluster's `srtctl migrate`", p)
		}
	}
	roles := map[string]*yaml.Node{}
	role := func(r string) *yaml.Node {
		if roles[r] == nil {
			roles[r] = mapping()
		}
		return roles[r]
	}
	if res := nodeAt(job, "resources"); res != nil {
		for _, m := range v1Modes {
			for _, mv := range []struct{ from, to string }{{m.role + "_nodes", "nodes"}, {m.role + "_workers", "workers"}, {"gpus_per_" + m.role, "gpus"}, {m.role + "_critical", "critical"}} {
				k, v := takeKey(res, mv.from)
				if k == nil {
					continue
				}
				if mv.to == "nodes" && m.role == "decode" && v.Kind == yaml.ScalarNode && v.Value == "0" {
					v = scalar("colocate")
				}
				putKey(role(m.role), mv.to, k, v)
			}
		}
	}
	var engine *yaml.Node
	bk, backend := takeKey(job, "backend")
	if backend != nil && backend.Kind == yaml.MappingNode {
		typ := "sglang"
		if _, t := mapGet(backend, "type"); t != nil {
			typ = t.Value
		}
		_, _ = takeKey(backend, "type")
		for _, m := range v1Modes {
			if k, v := takeKey(backend, m.mode+"_environment"); k != nil {
				putKey(role(m.role), "env", k, v)
			}
		}
		if k, cfg := takeKey(backend, typ+"_config"); cfg != nil && cfg.Kind == yaml.MappingNode {
			for _, m := range v1Modes {
				if mk, v := takeKey(cfg, m.mode); mk != nil {
					if len(cfg.Content) == 0 && k.HeadComment != "" {
						mk.HeadComment = k.HeadComment
					}
					putKey(role(m.role), "args", mk, v)
				}
			}
		}
		if len(backend.Content) == 0 {
			engine = scalar(typ)
		} else {
			engine = mapping()
			engine.Content = append([]*yaml.Node{scalar("type"), scalar(typ)}, backend.Content...)
		}
	} else if len(roles) > 0 {
		engine = scalar("sglang") // 1.0.x's default backend
	}
	// engine and roles take backend's place, else resources'.
	at := indexOf(job, "backend")
	if bk == nil {
		at = indexOf(job, "resources") + 2
	}
	var insert []*yaml.Node
	if engine != nil {
		ek := scalar("engine")
		if bk != nil {
			ek.HeadComment, ek.LineComment = bk.HeadComment, bk.LineComment
		}
		insert = append(insert, ek, engine)
	}
	if len(roles) > 0 {
		rm := mapping()
		for _, m := range v1Modes {
			if r := roles[m.role]; r != nil {
				rm.Content = append(rm.Content, scalar(m.role), r)
			}
		}
		insert = append(insert, scalar("roles"), rm)
	}
	if at < 0 || at > len(job.Content) {
		at = len(job.Content)
	}
	job.Content = append(job.Content[:at], append(insert, job.Content[at:]...)...)

	if fe := nodeAt(job, "frontend"); fe != nil {
		movePlacement(fe, "orchestrator_placement", "dedicated_node")
	}
	if b := nodeAt(job, "benchmark"); b != nil {
		movePlacement(b, "client_placement", "client_dedicated_node")
	}
	if dy := nodeAt(job, "dynamo"); dy != nil {
		for _, mv := range []struct{ from, to string }{{"version", "pypi"}, {"wheel", "wheel"}} {
			if k, v := takeKey(dy, mv.from); k != nil {
				src := nodeAt(dy, "source")
				if src == nil {
					src = mapping()
					dy.Content = append(dy.Content, scalar("source"), src)
				}
				putKey(src, mv.to, k, v)
			}
		}
	}
	if ik, infra := takeKey(job, "infra"); ik != nil {
		dedicated := false
		if infra != nil {
			if _, v := mapGet(infra, "etcd_nats_dedicated_node"); v != nil {
				dedicated, _ = pyyamlBool(v)
			}
		}
		svcs := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, name := range []string{"etcd", "nats"} {
			s := mapping()
			s.Content = append(s.Content, scalar("name"), scalar(name), scalar("type"), scalar(name))
			if dedicated {
				pl := mapping()
				pl.Content = append(pl.Content, scalar("node"), scalar("dedicated"))
				s.Content = append(s.Content, scalar("placement"), pl)
			}
			svcs.Content = append(svcs.Content, s)
		}
		sk := scalar("services")
		sk.HeadComment = ik.HeadComment
		job.Content = append(job.Content, sk, svcs)
	}
	return nil
}

// movePlacement turns a section's <placement> value and <dedicated> flag
// into placement.node (dedicated wins, as in 1.0.x).
func movePlacement(sec *yaml.Node, placementKey, dedicatedKey string) {
	pk, pv := takeKey(sec, placementKey)
	dk, dv := takeKey(sec, dedicatedKey)
	node := pv
	if dv != nil {
		if b, ok := pyyamlBool(dv); ok && b {
			node = scalar("dedicated")
		}
	}
	if pk == nil && dk == nil {
		return
	}
	if node == nil {
		return // dedicated: false and no placement: the default
	}
	pl := mapping()
	pl.Content = append(pl.Content, scalar("node"), node)
	key := scalar("placement")
	if pk != nil {
		key.HeadComment = pk.HeadComment
	}
	sec.Content = append(sec.Content, key, pl)
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// takeKey removes key from mapping m and returns its key and value nodes.
func takeKey(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			k, v = m.Content[i], m.Content[i+1]
			m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
			return k, v
		}
	}
	return nil, nil
}

// putKey adds the entry under a new name, keeping the key's comments.
func putKey(m *yaml.Node, name string, k, v *yaml.Node) {
	nk := scalar(name)
	nk.HeadComment, nk.LineComment, nk.FootComment = k.HeadComment, k.LineComment, k.FootComment
	m.Content = append(m.Content, nk, v)
}

func indexOf(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func nodeAt(m *yaml.Node, path string) *yaml.Node {
	_, v, _, ok := lookup(m, strings.Split(path, "."))
	if !ok {
		return nil
	}
	return deref(v)
}
