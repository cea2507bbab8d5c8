// etcd for the tests' local cluster: Kubernetes 1.34 needs etcd 3.5.24 or newer, and Debian 12 has 3.4.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
