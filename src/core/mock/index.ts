/** Mock streams: model and compilation, loaders, templates, edits. */
export * from './model';
export * from './compile-socket';
export * from '../parse/sse-block';
export * from './load';
export * from './templates';
export * from './edit';
