import { Testing } from '../lib/cdktf';

// cdktf's jest matchers: toHaveResource, toHaveResourceWithProperties, ...
Testing.setupJest();
