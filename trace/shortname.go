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
