// Package dns stands in, in the tests' build copy of Traefik, for lego's registry of ACME DNS-challenge
// providers: the Go module proxy here refuses fourteen of the SDKs that registry imports (dnsimple,
// tencentcloud, yandexcloud, ...). The tests never ask Traefik for a certificate, so every name is
// refused, with the reason, should a configuration ask for one.
package dns

import (
	"fmt"

	"github.com/go-acme/lego/v5/challenge"
)

// NewDNSChallengeProviderByName has the signature of lego's function of the same name.
func NewDNSChallengeProviderByName(name string) (challenge.Provider, error) {
	return nil, fmt.Errorf("ACME DNS challenge provider %q is left out of this build of Traefik", name)
}
