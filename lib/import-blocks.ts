import { Construct } from 'constructs';
import { TerraformElement, TerraformResource } from './private/cdktf';
import { ValidationError } from './private/validation';

/** One Terraform `import` block: the existing object's import id and the resource that takes it over. */
export interface ImportBlock {
  /** The provider's import id of the existing object. */
  readonly id: string;
  /** The resource that adopts it. */
  readonly resource: TerraformResource;
}

/**
 * Terraform `import` blocks (Terraform >= 1.5), emitted without cdktf's `importFrom`: that one adds
 * a validation that runs `terraform version` at synth, and synth must not need Terraform.
 */
export class ImportBlocks extends TerraformElement {
  private readonly blocks: ImportBlock[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Adopts the existing object with import id `id` into `resource`. A resource adopted twice throws. */
  public add(resource: TerraformResource, id: string): ImportBlock {
    if (this.blocks.some((b) => b.resource === resource)) throw new ValidationError('import-blocks', [`${resource.node.path} is adopted twice`]);
    const block = { id, resource };
    this.blocks.push(block);
    return block;
  }

  /** The blocks added so far. */
  public get imports(): readonly ImportBlock[] {
    return this.blocks;
  }

  /** The blocks in Terraform JSON: a top-level `import` list, merged with the stack's other elements. */
  public toTerraform(): Record<string, unknown> {
    if (this.blocks.length === 0) return {};
    return { import: this.blocks.map((b) => ({ id: b.id, to: address(b.resource) })) };
  }

  /** No metadata of its own. */
  public toMetadata(): Record<string, unknown> {
    return {};
  }
}

function address(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
