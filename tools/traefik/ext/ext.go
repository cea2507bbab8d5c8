// Package ext stands in for Traefik's dynamic-configuration extension point, which its go.mod replaces
// with a folder the published module lacks. Traefik's open-source build embeds these two types empty.
package ext

// HTTP is embedded in Traefik's HTTPConfiguration.
type HTTP struct{}

// Router is embedded in Traefik's Router.
type Router struct{}
