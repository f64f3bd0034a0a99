package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// procStat is what /proc/<pid>/stat says about CPU time, in clock ticks.
type procStat struct {
	pid, ppid      int
	comm           string
	self, children uint64 // utime+stime; cutime+cstime (waited-for children)
}

func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	s := string(b)
	// comm is in parentheses and may hold spaces or parentheses itself.
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, s)
	}
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state): utime is field 14, so f[11].
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	n := func(i int) uint64 { v, _ := strconv.ParseUint(f[i], 10, 64); return v }
	ppid, _ := strconv.Atoi(f[1])
	return procStat{pid: pid, ppid: ppid, comm: s[open+1 : end],
		self: n(11) + n(12), children: n(13) + n(14)}, nil
}

func alive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

// allProcs is every process now, by pid.
func allProcs() map[int]procStat {
	out := map[int]procStat{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(pid); err == nil {
			out[pid] = st
		}
	}
	return out
}

// childNamed is a direct child of parent whose comm is name, or 0.
func childNamed(parent int, name string) int {
	for pid, st := range allProcs() {
		if st.ppid == parent && st.comm == name {
			return pid
		}
	}
	return 0
}

// treeTicks is the CPU time of the processes rooted at roots and of all
// their live descendants, each counting its waited-for children too: every
// tick spent in the tree is counted once, whether its process still runs
// or has been reaped by a process of the tree.
func treeTicks(procs map[int]procStat, roots ...int) uint64 {
	kids := map[int][]int{}
	for pid, st := range procs {
		kids[st.ppid] = append(kids[st.ppid], pid)
	}
	seen := map[int]bool{}
	var total uint64
	var walk func(int)
	walk = func(pid int) {
		st, ok := procs[pid]
		if !ok || seen[pid] {
			return
		}
		seen[pid] = true
		total += st.self + st.children
		for _, k := range kids[pid] {
			walk(k)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return total
}

// sshMaster is the ssh master process whose control socket is in dir, or 0.
func sshMaster(dir string) int {
	for pid, st := range allProcs() {
		if st.comm != "ssh" {
			continue
		}
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		args := string(cmd)
		if strings.Contains(args, "ControlMaster=yes") && strings.Contains(args, "ControlPath="+dir) {
			return pid
		}
	}
	return 0
}

// serverSide finds the sshd processes serving the TCP connection that the
// ssh client process client holds to port, through the socket inodes of
// /proc/net/tcp: the other end of the client's connection, and who holds it.
func serverSide(client int, port int) ([]int, error) {
	conns := tcpTable()
	clientInodes := socketInodes(client)
	var clientPort int
	for inode := range clientInodes {
		if c, ok := conns[inode]; ok && c.remotePort == port {
			clientPort = c.localPort
		}
	}
	if clientPort == 0 {
		return nil, fmt.Errorf("ssh process %d holds no connection to port %d", client, port)
	}
	var serverInode string
	for inode, c := range conns {
		if c.localPort == port && c.remotePort == clientPort {
			serverInode = inode
		}
	}
	if serverInode == "" {
		return nil, fmt.Errorf("no server end of 127.0.0.1:%d -> :%d", clientPort, port)
	}
	var pids []int
	for pid := range allProcs() {
		if socketInodes(pid)[serverInode] {
			pids = append(pids, pid)
		}
	}
	if len(pids) == 0 {
		return nil, fmt.Errorf("no process holds the server end of :%d", clientPort)
	}
	return pids, nil
}

type tcpConn struct{ localPort, remotePort int }

// tcpTable maps socket inodes to established TCP connections (IPv4 and 6).
func tcpTable() map[string]tcpConn {
	out := map[string]tcpConn{}
	for _, p := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			fl := strings.Fields(sc.Text())
			if len(fl) < 10 || fl[3] != "01" { // 01: ESTABLISHED
				continue
			}
			out[fl[9]] = tcpConn{localPort: hexPort(fl[1]), remotePort: hexPort(fl[2])}
		}
		f.Close()
	}
	return out
}

func hexPort(addr string) int {
	_, p, _ := strings.Cut(addr, ":")
	v, _ := strconv.ParseInt(p, 16, 32)
	return int(v)
}

func socketInodes(pid int) map[string]bool {
	out := map[string]bool{}
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		l, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err == nil && strings.HasPrefix(l, "socket:[") {
			out[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	return out
}

// rssKB is the process's resident memory (VmRSS), 0 when unknown.
func rssKB(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// contextSwitches is how many times the threads of pid went off the CPU
// (each wait for a timer, a channel or I/O is one): its wakeups.
func contextSwitches(pid int) uint64 {
	var n uint64
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, t.Name()))
		for _, l := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if ok && (k == "voluntary_ctxt_switches" || k == "nonvoluntary_ctxt_switches") {
				c, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
				n += c
			}
		}
	}
	return n
}

// clockTicks is the kernel's USER_HZ (100 almost everywhere).
func clockTicks() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err == nil && v > 0 {
			return v
		}
	}
	return 100
}
