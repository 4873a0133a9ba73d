package dev.switchboard.platform.transport;

import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.grpc.health.v1.HealthProto;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The standard {@code grpc.health.v1.Health} service (Check and Watch) of a gRPC listener (the public
 * edge and the internal listener each have their own), overall ({@code ""}) and per
 * service: SERVING while the process takes work, NOT_SERVING from the start of its shutdown;
 * NOT_FOUND for a service this process does not run. (Vert.x's own HealthService answers SERVING for
 * the overall status whatever happens, which a load balancer cannot use to drain a process.)
 */
public final class GrpcHealth {

  private static final ServiceName NAME = ServiceName.create("grpc.health.v1", "Health");
  private static final ServiceMethod<HealthCheckRequest, HealthCheckResponse> CHECK = ServiceMethod.server(NAME,
      "Check", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(HealthCheckRequest.getDefaultInstance()));
  private static final ServiceMethod<HealthCheckRequest, HealthCheckResponse> WATCH = ServiceMethod.server(NAME,
      "Watch", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(HealthCheckRequest.getDefaultInstance()));
  private static final long WATCH_INTERVAL_MS = 200;

  private GrpcHealth() {
  }

  public static String serviceName() {
    return NAME.fullyQualifiedName();
  }

  public static Service service(Vertx vertx, Set<String> services, BooleanSupplier serving) {
    return Service.service(NAME, HealthProto.getDescriptor().findServiceByName("Health"))
        .bind(CHECK, call -> call.handler(request -> {
          if (!known(services, request.getService())) {
            call.response().status(GrpcStatus.NOT_FOUND).statusMessage("unknown service " + request.getService()).end();
          } else {
            call.response().end(response(serving));
          }
        }))
        .bind(WATCH, call -> call.handler(request -> watch(vertx, services, serving, call, request)))
        .build();
  }

  /** Sends the status at once, then again whenever it changes, until the client goes away. */
  private static void watch(Vertx vertx, Set<String> services, BooleanSupplier serving,
                            GrpcServerRequest<HealthCheckRequest, HealthCheckResponse> call, HealthCheckRequest request) {
    if (!known(services, request.getService())) {
      call.response().write(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVICE_UNKNOWN).build());
      return;
    }
    boolean[] last = {serving.getAsBoolean()};
    long[] timer = {-1};
    Runnable stop = () -> vertx.cancelTimer(timer[0]);
    // a cancelled stream (a reset) is reported to the error handler, a broken connection to the others
    call.errorHandler(error -> stop.run());
    call.exceptionHandler(gone -> stop.run());
    call.response().exceptionHandler(gone -> stop.run());
    call.response().write(response(serving));
    timer[0] = vertx.setPeriodic(WATCH_INTERVAL_MS, tick -> {
      boolean now = serving.getAsBoolean();
      if (now != last[0]) {
        last[0] = now;
        try {
          call.response().write(response(serving));
        } catch (IllegalStateException gone) {
          stop.run();
        }
      }
    });
  }

  private static boolean known(Set<String> services, String service) {
    return service.isEmpty() || services.contains(service);
  }

  private static HealthCheckResponse response(BooleanSupplier serving) {
    return HealthCheckResponse.newBuilder()
        .setStatus(serving.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING).build();
  }
}
