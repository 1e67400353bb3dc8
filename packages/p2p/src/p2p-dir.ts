/**
 * The part of the Dir capability (packages/storage) this package uses to keep peers.dat and
 * banlist.json in the network data directory. Structural, so the node passes its own Dir.
 */
export interface P2PDir {
  readonly description: string;
  readFile(name: string): Promise<Uint8Array>;
  writeFileAtomic(name: string, data: Uint8Array): Promise<void>;
  exists(name: string): Promise<boolean>;
}
