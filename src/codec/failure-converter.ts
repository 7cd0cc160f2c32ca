/**
 * The failure converter of encrypted deployments, loaded by the Temporal SDK from its path
 * (`failureConverterPath`): in the workflow sandbox (bundled in) and on the worker's and clients' side.
 *
 * Temporal's default converter writes a failure's message and stack trace into history as plain strings,
 * beside the payloads the codec encrypts, and error messages carry data (a DSL error's detail quotes inputs,
 * URLs, answers). With `encodeCommonAttributes` the message and the stack trace move into the failure's
 * `encodedAttributes`, a payload, so the codec encrypts them too and history shows "Encoded failure".
 * Decoding needs nothing: every SDK reader restores the message from `encodedAttributes`.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
