//go:build !unix

package jobspec

import "io/fs"

func linkCount(fs.FileInfo) uint64 { return 1 }

func ownerOf(fs.FileInfo) (int, bool) { return 0, false }
