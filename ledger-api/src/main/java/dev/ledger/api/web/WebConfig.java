package dev.ledger.api.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class WebConfig implements WebMvcConfigurer {
  private final ScopeInterceptor scopeInterceptor;

  public WebConfig(ScopeInterceptor scopeInterceptor) {
    this.scopeInterceptor = scopeInterceptor;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(scopeInterceptor).addPathPatterns("/v1/**");
  }
}
