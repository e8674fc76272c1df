/** Mock streams: model and compilation, loaders, templates, edits. */
export * from './model';
export * from './load';
export * from './templates';
export * from './edit';
