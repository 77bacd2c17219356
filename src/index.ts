/**
 * Strata's public API: everything `import { ... } from 'strata-assets'` gives.
 * Named one by one (never `export *`) so the surface is deliberate.
 */
export { asset, EXTERNAL_INPUT } from './core/asset.js';
export type {
  AnyAsset,
  AssetDefinition,
  AssetInputs,
  AssetLogger,
  AssetSpec,
  ComputeContext,
  ComputeOutput,
  Observation,
  ObserveContext,
  ObserveFunction,
} from './core/asset.js';
export { multiAsset } from './core/multi-asset.js';
export type { MultiAssetCompute, MultiAssetContext, MultiAssetDefinition, MultiAssetOutputSpec, MultiAssetResult, MultiAssetSpec, OutputSchemas } from './core/multi-asset.js';
export type { CodeChange, CodeManifest } from './core/code-manifest.js';
export { projectRoot } from './core/project-root.js';
export { defineDefinitions } from './io-managers/default-io-manager.js';
export type { DefinedAsset, Definitions, DefinitionsSpec } from './core/definitions.js';
export { check } from './core/asset-check.js';
export type { AssetCheck, CheckContext, CheckOptions, CheckSeverity, CheckStatus, CustomCheckResult, CustomCheckSpec } from './core/asset-check.js';
export { acceptedValues, inRange, notNull, relationships, rowCount, unique } from './core/builtin-checks.js';
export type { CheckThreshold } from './core/check-threshold.js';
export { job } from './core/job.js';
export type { JobDefinition, JobForce, JobSpec } from './core/job.js';
export { schedule } from './core/schedule.js';
export type { AutomationStatus, ScheduleDefinition, ScheduleSpec } from './core/schedule.js';
export { sensor } from './core/sensor.js';
export type { RunRequest, SensorContext, SensorDefinition, SensorMaterialization, SensorResult, SensorSpec } from './core/sensor.js';
export type { RunTags } from './core/run-tags.js';
export type { Duration } from './core/duration.js';
export { dailyPartitions, hourlyPartitions, monthlyPartitions, weeklyPartitions } from './core/time-partitions.js';
export type { MonthlyPartitionsSpec, TimePartitionsSpec, WeeklyPartitionsSpec } from './core/time-partitions.js';
export { staticPartitions } from './core/static-partitions.js';
export { dynamicPartitions } from './core/dynamic-partitions.js';
export { multiPartitions } from './core/multi-partitions.js';
export { allPartitions, identity, lastPartition, staticMapping, timeWindow } from './core/partition-mappings.js';
export type { TimeWindowMappingSpec } from './core/partition-mappings.js';
export type {
  DynamicPartitionsDefinition,
  MultiPartitionsDefinition,
  PartitionKeyPart,
  PartitionMapping,
  PartitionsContext,
  PartitionsDefinition,
  SinglePartitionsDefinition,
  StaticPartitionsDefinition,
  TimePartitionsDefinition,
  TimeWindow,
} from './core/partitions.js';
export {
  CycleError,
  DefinitionError,
  IOManagerError,
  SchemaError,
  SourceError,
  StrataError,
  UnknownAssetError,
  UsageError,
} from './core/errors.js';
export type { IOManager, IOManagerVisibility, OutputMetadata, ScanOptions, StoreResult, StoredAsset } from './core/io-manager.js';
export { scanStored } from './core/io-manager.js';
export { resource } from './core/resource.js';
export type { ConfigOf, EnvVariables, ResourceConfigSchema, ResourceContext, ResourceDefinition, ResourceSpec } from './core/resource.js';
export { configFromEnv } from './core/resource-config.js';
export { defineConfig } from './core/define-config.js';
export type { ConfigSpec, InstanceConfig } from './core/define-config.js';
export type { RetryPolicy } from './core/retry-policy.js';
export type { ColumnKind, ColumnSpec, RowOf, RowSchema } from './core/row-schema.js';
export { Table } from './core/table.js';
export type { CellValue, Columns, Row } from './core/table.js';
export { asArquero, fromArquero } from './core/arquero-table.js';
export { ArrowIOManager } from './io-managers/arrow-io-manager.js';
export type { ArrowIOManagerOptions } from './io-managers/arrow-io-manager.js';
export { CsvIOManager } from './io-managers/csv-io-manager.js';
export { MemoryIOManager } from './io-managers/memory-io-manager.js';
export { ParquetIOManager } from './io-managers/parquet-io-manager.js';
export type { ParquetIOManagerOptions } from './io-managers/parquet-io-manager.js';
export { PostgresIOManager } from './io-managers/postgres-io-manager.js';
export type { PostgresIOManagerOptions } from './io-managers/postgres-io-manager.js';
export { JsonSource } from './resources/json-source.js';
export { materialize } from './execution/materialize.js';
export { materializeInMemory } from './testing/materialize-in-memory.js';
export type { InMemoryRun, MaterializeInMemoryOptions } from './testing/materialize-in-memory.js';
export type { MaterializeOptions } from './execution/materialize.js';
export { inProcessExecutor } from './execution/in-process-executor.js';
export { workerThreadsExecutor } from './execution/worker-step-executor.js';
export { queueExecutor } from './work-pool/queue-executor.js';
export { enqueueRun } from './execution/run-queue.js';
export type { EnqueueRequest } from './execution/run-queue.js';
export { requireVisibility } from './execution/require-visibility.js';
export type { NeededVisibility } from './execution/require-visibility.js';
export type { AttemptResult, ExecutorRun, StepContext, StepExecutor, StepExecutorFactory, StepRequest, StoredOutput } from './execution/step-executor.js';
export { Instance, openInstance } from './instance/instance.js';
export type { EnqueueOptions, InstanceDescription, InstanceOptions, MaterializeRequest, PlanRequest, PlanSelection } from './instance/instance.js';
export type { FollowOptions } from './instance/follow-run.js';
export type { Reexecution, ReexecutionMode } from './instance/reexecution.js';
export type { AssetState } from './instance/asset-states.js';
export type { StaleForUnselected } from './instance/stale-for-unselected.js';
export type { AssetLineage, LineageGraph, LineageNode, LineageRequest } from './instance/asset-lineage.js';
export type { LineageDirection, LineageEdge, LineageWalk } from './instance/lineage-walk.js';
export type { JobSummary } from './instance/job-summaries.js';
export type { PoolSummary } from './instance/pool-summaries.js';
export type { UnusedPoolWarning } from './instance/set-pool-limit.js';
export type { Located, Project } from './instance/locate-project.js';
export type { StorageLocation } from './instance/open-storage.js';
export type { WipeResult, WipeScope } from './instance/wipe-assets.js';
export type { AssetActivity } from './instance/asset-activity.js';
export type { AssetPreview, PartitionInput, PreviewOptions } from './instance/asset-preview.js';
export type { ScheduleSummary, SensorSummary } from './instance/automation-summaries.js';
export type { AssetActionCounts, RunPage, SummarizedRun } from './instance/run-summaries.js';
export { planMaterialization } from './execution/plan-materialization.js';
export type { MaterializationPlan, PlanOptions } from './execution/plan-materialization.js';
export type { AssetAction, AssetError, AssetRunResult, MaterializeResult, RunOutcome } from './execution/run-result.js';
export type { Logger } from './execution/logger.js';
export type { AssetStatus, ChangedSetting, Plan, PlannedAsset, PlanningError, SourceObservation, StaleReason, StaleReasonKind } from './graph/planner.js';
export type { JsonSourceOptions, JsonSourceReadOptions } from './resources/json-source.js';
export { SqliteInstanceStorage } from './storage/sqlite-instance-storage.js';
export type { SqliteInstanceStorageOptions } from './storage/sqlite-instance-storage.js';
export { PostgresInstanceStorage } from './storage/postgres-instance-storage.js';
export type { PostgresInstanceStorageOptions } from './storage/postgres-instance-storage.js';
export type {
  FailedRun,
  InstanceStorage,
  InstigatorKind,
  InstigatorState,
  LaunchRecord,
  MaterializationRecord,
  RunEvent,
  RunEventType,
  RunRecord,
  RunStatus,
  StoredRunEvent,
  StoredTick,
  TickRecord,
  TickStatus,
  WriteBatch,
} from './storage/instance-storage.js';
export { AssetGraph } from './graph/asset-graph.js';
export { parseSelection } from './graph/selection-parser.js';
export { formatSelection } from './graph/selection-format.js';
export { resolveSelection, selectAssets } from './graph/resolve-selection.js';
export type { SelectAssetsOptions } from './graph/resolve-selection.js';
export type { SelectionNode } from './graph/selection-ast.js';
export { EmptySelectionError, LegacySelectionError, SelectionSyntaxError } from './graph/selection-errors.js';
export { checkJobSelections } from './graph/check-job-selections.js';
export { assetSensor } from './sensors/asset-sensor.js';
export type { AssetSensorSpec } from './sensors/asset-sensor.js';
export { fileSensor } from './sensors/file-sensor.js';
export type { FileSensorSpec } from './sensors/file-sensor.js';
export { freshnessSensor } from './sensors/freshness-sensor.js';
export type { FreshnessSensorSpec } from './sensors/freshness-sensor.js';
export { Daemon } from './sensors/daemon.js';
export type { DaemonOptions, PreviewedRequest, RunSummary, TickReport } from './sensors/daemon.js';
export type { ResolvedRunRequest, SensorEvaluation } from './sensors/evaluate-sensor.js';
export { jobPlanOptions, runJob } from './sensors/run-job.js';
export type { JobPlanOptions, RunJobOptions } from './sensors/run-job.js';
export { describeCron } from './sensors/describe-cron.js';
export { nextScheduleTicks } from './sensors/schedule-ticks.js';
