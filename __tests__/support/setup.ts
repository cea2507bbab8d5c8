// cdktf's jest matchers (toHaveResourceWithProperties, ...) and their types. The one cdktf import
// outside lib/private/cdktf.ts: test-only, and the fork keeps the same path.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';

setupJest();
