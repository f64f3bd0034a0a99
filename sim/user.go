package sim

import (
	"os"
	"os/user"
	"strconv"
)

type userInfo struct {
	name, group string
	uid, gid    int
}

// currentUser is who submits and owns simulated jobs. A missing passwd
// entry (containers) falls back to $USER and the numeric ids.
func currentUser() userInfo {
	u := userInfo{uid: os.Getuid(), gid: os.Getgid()}
	u.name = strconv.Itoa(u.uid)
	u.group = strconv.Itoa(u.gid)
	if cu, err := user.Current(); err == nil && cu.Username != "" {
		u.name = cu.Username
	} else if env := os.Getenv("USER"); env != "" {
		u.name = env
	}
	if g, err := user.LookupGroupId(strconv.Itoa(u.gid)); err == nil {
		u.group = g.Name
	}
	return u
}
