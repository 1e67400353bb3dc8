/**
 * A chainstate that loads but cannot be used (Core's ChainstateLoadStatus::FAILURE): Core puts
 * it to the operator as a question ("Do you want to rebuild the databases now?"), which bitcoind
 * without a GUI answers "no" and prints on stderr as its text alone, without the "Error: "
 * caption of other start-up errors. The launchers print this one the same way.
 */
import { InitError } from './init-errors.js';

export class ChainstateLoadFailure extends InitError {}

/** The stderr caption for a start-up failure: none for a chainstate load failure, as Core. */
export function startupErrorCaption(e: unknown): string {
  return e instanceof ChainstateLoadFailure ? '' : 'Error: ';
}
