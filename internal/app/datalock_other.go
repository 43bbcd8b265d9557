//go:build !unix

package app

import "os"

// tryLock has no advisory lock to take on this platform: the deployments (Linux containers)
// and development machines (Linux, macOS) are all unix.
func tryLock(*os.File) (bool, error) { return true, nil }
