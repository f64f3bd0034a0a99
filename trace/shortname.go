package trace

import "strings"

// ShortName turns a kernel's C++ signature into the identifier a person
// looks for: no return type, template arguments or parameter list, no
// "(anonymous namespace)". Wrapper templates (cutlass::Kernel2<X>,
// cutlass::device_kernel<X>) give way to their first argument, which is the
// kernel that matters. Names that are not signatures
// (nvjet_sm90_tst_192x192_..., triton_poi_fused_...) come back unchanged.
//
//	void at::native::elementwise_kernel<128, 4, ...>(int, ...)  ->  at::native::elementwise_kernel
//	void flash::flash_fwd_kernel<Flash_fwd_kernel_traits<...>>(Flash_fwd_params)  ->  flash::flash_fwd_kernel
func ShortName(full string) string {
	return shortName(full, 0)
}

func shortName(full string, nesting int) string {
	s := strings.TrimSpace(strings.ReplaceAll(full, "(anonymous namespace)::", ""))
	head := s[:paramListStart(s)]
	base, firstArg := stripTemplates(head)
	if i := strings.LastIndexByte(base, ' '); i >= 0 {
		base = base[i+1:] // drop the return type
	}
	if isWrapper(base) && firstArg != "" && nesting < 4 {
		if inner := shortName(firstArg, nesting+1); inner != "" {
			return inner
		}
	}
	if base == "" {
		return s
	}
	return base
}

// paramListStart finds the '(' that opens the parameter list: the first one
// outside template arguments and not at the start; len(s) when none.
func paramListStart(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			depth++
		case '>':
			if depth > 0 {
				depth--
			}
		case '(':
			if depth == 0 && i > 0 {
				return i
			}
		}
	}
	return len(s)
}

// stripTemplates removes every <...> from s and returns what is left,
// trimmed, with the first top-level template argument of the last template.
func stripTemplates(s string) (base, firstArg string) {
	var b strings.Builder
	depth, argStart := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			if depth == 0 {
				argStart, firstArg = i+1, ""
			}
			depth++
		case c == '>' && depth > 0:
			depth--
			if depth == 0 && argStart >= 0 {
				firstArg, argStart = s[argStart:i], -1
			}
		case c == ',' && depth == 1 && argStart >= 0:
			firstArg, argStart = s[argStart:i], -1
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String()), strings.TrimSpace(firstArg)
}

// isWrapper reports templates whose name says nothing about the kernel.
func isWrapper(base string) bool {
	switch base {
	case "cutlass::Kernel", "cutlass::Kernel2", "cutlass::device_kernel", "cute::device_kernel":
		return true
	}
	return strings.Contains(base, "enable_sm")
}

// KernelHint names the operation inside a generic kernel's template
// arguments, which is what tells launches of at::native::elementwise_kernel
// apart: silu_kernel, MulFunctor, direct_copy_kernel_cuda, CUDAFunctor_add,
// ArgMaxOps. "" when there is none.
func KernelHint(full string) string {
	s := strings.ReplaceAll(full, "(anonymous namespace)::", "")
	open, params := strings.IndexByte(s, '<'), paramListStart(s)
	if open < 0 || open >= params {
		return "" // no template arguments before the parameter list
	}
	for _, id := range identifiers(s[open+1 : params]) {
		if genericTemplates[id] {
			continue
		}
		if strings.Contains(id, "Functor") || strings.HasSuffix(id, "Op") || strings.HasSuffix(id, "Ops") ||
			strings.Contains(id, "_kernel") || strings.HasSuffix(id, "Kernel") {
			return trimHint(id)
		}
	}
	return ""
}

// trimHint drops the words every hint would carry: silu_kernel -> silu,
// MulFunctor -> Mul, CUDAFunctor_add -> add, ArgMaxOps -> ArgMax.
func trimHint(id string) string {
	t := strings.TrimPrefix(id, "CUDAFunctor_")
	for _, suffix := range []string{"_kernel_cuda", "_kernel", "Functor", "Ops"} {
		t = strings.TrimSuffix(t, suffix)
	}
	if t == "" {
		return id
	}
	return t
}

// genericTemplates wrap the operation without naming it.
var genericTemplates = map[string]bool{
	"BinaryFunctor": true, "UnaryFunctor": true, "ReduceOp": true, "AUnaryFunctor": true,
	"BUnaryFunctor": true, "gpu_kernel_impl": true, "gpu_kernel_impl_nocast": true,
}

// identifiers lists the last component of each name in s, in order.
func identifiers(s string) []string {
	var ids []string
	start := -1
	for i := 0; i <= len(s); i++ {
		word := i < len(s) && (s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9')
		if word && start < 0 {
			start = i
		}
		if !word && start >= 0 {
			if id := s[start:i]; id[0] < '0' || id[0] > '9' {
				ids = append(ids, id)
			}
			start = -1
		}
	}
	return ids
}

// KernelLabel is ShortName with KernelHint in brackets when there is one:
// "at::native::elementwise_kernel [silu_kernel]".
func KernelLabel(full string) string {
	short, hint := ShortName(full), KernelHint(full)
	if hint == "" || strings.Contains(short, hint) {
		return short
	}
	return short + " [" + hint + "]"
}

// unqualified drops namespaces from a label: "elementwise_kernel [silu_kernel]".
func unqualified(label string) string {
	head, rest, _ := strings.Cut(label, " ")
	if i := strings.LastIndex(head, "::"); i >= 0 {
		head = head[i+2:]
	}
	if rest != "" {
		return head + " " + rest
	}
	return head
}
