package trace

import (
	"bytes"
	"strconv"
)

// Event classes by category, for the analyses (the kernel table goes by
// catKernel/catMemcpy/catMemset, as the reference script does).
const (
	classUnknown = iota // no cat seen (yet)
	classOther
	classCPU    // the CPU side's own events: never on a GPU stream, never a launch; their args are not read
	classSync   // cuda_sync: its own share, never computation
	classKernel // cat "kernel": counted in "kernels per launch API"
)

func classOf(cat []byte) int {
	switch string(cat) {
	case "cpu_op", "user_annotation", "python_function", "cpu_instant_event", "ac2g", "fwdbwd", "Trace":
		return classCPU
	case "cuda_sync":
		return classSync
	case CatKernel:
		return classKernel
	}
	return classOther
}

// Bounds of what the analyses keep per event (32 bytes each), so that a
// hostile trace cannot take unbounded memory; the kernel table and the
// totals do not depend on them. Real traces hold far fewer: the 230 MB
// decode trace has 50,000 GPU events.
var (
	maxAnalysedEvents   = 500_000
	maxAnalysedLaunches = 500_000
	maxStreams          = 4096
	maxLaunchAPIs       = 1024
)

// gpuEvent is one complete event on a GPU stream, times relative to the
// trace's first kept timestamp.
type gpuEvent struct {
	start, end float64
	corr       int64
	stream     int32 // index into collector.streamIDs
	kind       uint8 // KernelType in the low bits, then the flags below
}

const (
	kindTypeMask = 3
	kindSync     = 1 << 2
	kindKernel   = 1 << 3
	kindHasCorr  = 1 << 4
)

// launch is a CPU call that has a correlation: a launch when a GPU event
// shares it (cudaLaunchKernel, cuLaunchKernelEx, cudaGraphLaunch, memcpy and
// memset calls...).
type launch struct {
	corr       int64
	start, end float64
	api        int32 // index into collector.apiNames
}

// collector keeps what the analyses need from each event, in one pass.
type collector struct {
	base    float64 // the first kept timestamp: sums run on offsets from it
	hasBase bool

	gpu      []gpuEvent
	launches []launch

	streams   map[int64]int32
	streamIDs []int64
	apis      map[string]int32
	apiNames  []string
	// types caches kernelTypeOf by name: the name tests scan the whole
	// (often 200-byte) name five times, a lookup hashes it once.
	types map[string]KernelType

	steps              int
	lastStep           float64 // start of the last ProfilerStep marker (relative)
	firstStep, endStep int64   // the lowest and highest step numbers
	dropped            int     // events beyond the bounds above
}

func (c *collector) rel(ts float64) float64 {
	if !c.hasBase {
		c.base, c.hasBase = ts, true
	}
	return ts - c.base
}

const stepPrefix = "ProfilerStep#"

func isStepName(name []byte) bool { return bytes.HasPrefix(name, []byte(stepPrefix)) }

// observe keeps one event that is on a GPU stream, has a correlation or
// marks a profiler step.
func (c *collector) observe(p *parser, class int, ts, dur float64) {
	start := c.rel(ts)
	switch {
	case p.hasStream && p.stream != -1:
		c.addGPU(p, class, start, dur)
	case p.hasCorr:
		c.addLaunch(p, start, dur)
	}
	if isStepName(p.name) {
		n, err := strconv.ParseInt(string(p.name[len(stepPrefix):]), 10, 64)
		if c.steps == 0 || start > c.lastStep {
			c.lastStep = start
		}
		if err == nil {
			if c.steps == 0 || n < c.firstStep {
				c.firstStep = n
			}
			if c.steps == 0 || n > c.endStep {
				c.endStep = n
			}
		}
		c.steps++
	}
}

func (c *collector) addGPU(p *parser, class int, start, dur float64) {
	if len(c.gpu) >= maxAnalysedEvents {
		c.dropped++
		return
	}
	si, ok := c.streams[p.stream]
	if !ok {
		if len(c.streamIDs) >= maxStreams {
			c.dropped++
			return
		}
		if c.streams == nil {
			c.streams = map[int64]int32{}
		}
		si = int32(len(c.streamIDs))
		c.streams[p.stream] = si
		c.streamIDs = append(c.streamIDs, p.stream)
	}
	kind := uint8(c.typeOf(p.name, class == classSync))
	if class == classSync {
		kind |= kindSync
	}
	if class == classKernel {
		kind |= kindKernel
	}
	var corr int64
	if p.hasCorr {
		kind |= kindHasCorr
		corr = p.corr
	}
	c.gpu = append(c.gpu, gpuEvent{start: start, end: start + dur, corr: corr, stream: si, kind: kind})
}

// typeOf is kernelTypeOf, cached for the first maxKernelNames names (of
// at most 1 KB: the cache stays bounded).
func (c *collector) typeOf(name []byte, sync bool) KernelType {
	if sync {
		return kernelTypeOf(name, true)
	}
	if t, ok := c.types[string(name)]; ok {
		return t
	}
	t := kernelTypeOf(name, false)
	if len(c.types) < maxKernelNames && len(name) <= 1024 {
		if c.types == nil {
			c.types = map[string]KernelType{}
		}
		c.types[string(name)] = t
	}
	return t
}

func (c *collector) addLaunch(p *parser, start, dur float64) {
	if len(c.launches) >= maxAnalysedLaunches {
		c.dropped++
		return
	}
	ai, ok := c.apis[string(p.name)]
	if !ok {
		if c.apis == nil {
			c.apis = map[string]int32{}
		}
		name := string(p.name)
		if len(c.apiNames) >= maxLaunchAPIs {
			name = "(other calls)"
		}
		if ai, ok = c.apis[name]; !ok {
			ai = int32(len(c.apiNames))
			c.apis[name] = ai
			c.apiNames = append(c.apiNames, name)
		}
	}
	c.launches = append(c.launches, launch{corr: p.corr, start: start, end: start + dur, api: ai})
}

// KernelType is HTA's kind of GPU work, by name.
type KernelType int

const (
	Computation KernelType = iota
	Communication
	Memory
	OtherType
)

// KernelTypes in display order.
var KernelTypes = []KernelType{Computation, Communication, Memory, OtherType}

func (t KernelType) String() string {
	return [...]string{"COMPUTATION", "COMMUNICATION", "MEMORY", "OTHER"}[t]
}

// kernelTypeOf classifies a GPU event by its name as HTA does:
// communication starts with nccl, hip or hccl or contains ncclKernel;
// memory starts with Memcpy or Memset (optionally after hip) or dma;
// computation is the rest without Memcpy, Memset, dma or Sync in its name;
// everything else is other. Memory is tested first, so hipMemcpy is memory.
// A cuda_sync event is never computation (HTA's name rule would count
// "Stream Wait Event" as computation): it is other.
func kernelTypeOf(name []byte, sync bool) KernelType {
	n := bytes.TrimPrefix(name, []byte("hip"))
	switch {
	case bytes.HasPrefix(n, []byte("Memcpy")), bytes.HasPrefix(n, []byte("Memset")), bytes.HasPrefix(name, []byte("dma")):
		return Memory
	case bytes.HasPrefix(name, []byte("nccl")), bytes.HasPrefix(name, []byte("hip")), bytes.HasPrefix(name, []byte("hccl")),
		bytes.Contains(name, []byte("ncclKernel")):
		return Communication
	case sync:
		return OtherType
	case bytes.Contains(name, []byte("Memcpy")), bytes.Contains(name, []byte("Memset")), bytes.Contains(name, []byte("dma")),
		bytes.Contains(name, []byte("Sync")):
		return OtherType
	}
	return Computation
}
