/**
 * @internal How `listen$` ends the subjects it created without a public
 * method: each subject registers a function that completes its current
 * session's subscribers (which then flush and close the connection) and
 * tells whether there was a session to end.
 */
export const enders = new WeakMap<object, () => boolean>();
